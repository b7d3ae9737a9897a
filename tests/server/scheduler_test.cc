// Scheduler, with a hand-moved clock and fake worker links: fairness between owners, leases
// renewed by heartbeats and lapsing into requeues and failures, hand-backs, cancellation,
// recovery after a restart, live slots, and decisions that never wait for the store.
#include "server/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <functional>
#include <mutex>
#include <vector>

#include "server/sqlite_job_store.h"
#include "tests/server/temp_dir.h"

namespace vmm::server {
namespace {

// Records what the scheduler tells one worker, in order.
struct FakeLink : WorkerLink {
  struct Call {
    std::string kind;  // "registered", "assign", "cancel", "live", "disconnect"
    std::string id;    // worker, job or session id
    int attempt = 0;   // assign
  };
  std::mutex mutex;
  std::vector<Call> calls;
  WorkerTerms terms;
  std::function<void()> settle;  // applies the scheduler's journal before a look

  void Registered(const WorkerTerms& given) override {
    std::lock_guard<std::mutex> lock(mutex);
    terms = given;
    calls.push_back({"registered", given.worker_id});
  }
  void Assign(const JobAssignment& assignment) override {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back({"assign", assignment.job.id, assignment.job.attempts});
  }
  void Cancel(const std::string& job_id, const std::string& /*reason*/) override {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back({"cancel", job_id});
  }
  void AssignLive(const LiveAssignment& assignment) override {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back({"live", assignment.session_id});
  }
  void Disconnect() override {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back({"disconnect", ""});
  }
  std::vector<std::string> Ids(const std::string& kind) {
    if (settle) settle();
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::string> ids;
    for (const Call& call : calls) {
      if (call.kind == kind) ids.push_back(call.id);
    }
    return ids;
  }
  std::vector<std::string> AssignedJobs() { return Ids("assign"); }
  std::vector<std::string> CancelledJobs() { return Ids("cancel"); }
  int disconnects() { return static_cast<int>(Ids("disconnect").size()); }
};

// A SqliteJobStore whose Update can be held at a gate, to see what waits for the store.
class GatedStore : public JobStore {
 public:
  explicit GatedStore(std::unique_ptr<SqliteJobStore> store) : store_(std::move(store)) {}

  // From now on, Update waits until Open.
  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  // Waits until an Update is held at the gate; false after 10 s.
  bool WaitForHeldUpdate() {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return held_ > 0; });
  }
  // The next `count` Updates fail with UNAVAILABLE (and store nothing).
  void FailNextUpdates(int count) {
    std::lock_guard<std::mutex> lock(mutex_);
    failures_ = count;
  }
  // The next `count` Gets fail with UNAVAILABLE.
  void FailNextGets(int count) {
    std::lock_guard<std::mutex> lock(mutex_);
    get_failures_ = count;
  }
  // How many Updates were tried, failed ones included.
  int UpdateCalls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return update_calls_;
  }
  // The (job id, state) of every Update, in the order they reached the store.
  std::vector<std::pair<std::string, JobState>> Updates() {
    std::lock_guard<std::mutex> lock(mutex_);
    return updates_;
  }

  absl::Status Insert(JobRecord* job) override { return store_->Insert(job); }
  absl::StatusOr<JobRecord> Get(const std::string& id) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (get_failures_ > 0) {
        --get_failures_;
        return absl::UnavailableError("disk I/O error (injected)");
      }
    }
    return store_->Get(id);
  }
  absl::StatusOr<JobRecord> FindByUploadId(const std::string& owner,
                                           const std::string& upload_id) override {
    return store_->FindByUploadId(owner, upload_id);
  }
  absl::StatusOr<JobPage> List(const JobQuery& query) override { return store_->List(query); }
  absl::StatusOr<int64_t> CountActive(const std::string& owner) override {
    return store_->CountActive(owner);
  }
  absl::Status Update(const JobRecord& job, JobState expected_state) override {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++held_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
      --held_;
      ++update_calls_;
      if (failures_ > 0) {
        --failures_;
        return absl::UnavailableError("disk I/O error (injected)");
      }
      updates_.emplace_back(job.id, job.state);
    }
    return store_->Update(job, expected_state);
  }
  absl::Status Delete(const std::string& id) override { return store_->Delete(id); }

 private:
  std::unique_ptr<SqliteJobStore> store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  int held_ = 0;
  int failures_ = 0;
  int get_failures_ = 0;
  int update_calls_ = 0;
  std::vector<std::pair<std::string, JobState>> updates_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<GatedStore>(*SqliteJobStore::Open(dir_.Join("jobs.db")));
    MakeScheduler();
  }
  void MakeScheduler() {
    SchedulerOptions options;
    options.lease = absl::Seconds(30);
    options.max_attempts = 2;
    scheduler_ = std::make_unique<Scheduler>(store_.get(), &clock_, &events_, &metrics_,
                                             options);
  }
  JobRecord Insert(const std::string& id, const std::string& owner) {
    JobRecord job;
    job.id = id;
    job.owner = owner;
    job.create_time = clock_.Now();
    job.input_size_bytes = 10;
    EXPECT_TRUE(store_->Insert(&job).ok());
    clock_.Advance(absl::Seconds(1));
    return job;
  }
  void Submit(const std::string& id, const std::string& owner,
              vmm::v1::Method method = vmm::v1::METHOD_UNSPECIFIED) {
    JobRecord job;
    job.id = id;
    job.owner = owner;
    job.params.set_method(method);
    job.create_time = clock_.Now();
    job.input_size_bytes = 10;
    ASSERT_TRUE(scheduler_->AddJob(&job).ok());
    clock_.Advance(absl::Seconds(1));
  }
  std::string Register(const std::shared_ptr<FakeLink>& link, int max_jobs = 1,
                       int max_live = 0, bool measures = true,
                       std::set<int> methods = {vmm::v1::METHOD_LEARNED, vmm::v1::METHOD_PHASE,
                                                vmm::v1::METHOD_RIESZ, vmm::v1::METHOD_LINEAR}) {
    WorkerRegistration registration;
    registration.methods = std::move(methods);
    registration.name = "w";
    registration.device = "cpu";
    registration.max_jobs = max_jobs;
    registration.max_live_sessions = max_live;
    registration.measures = measures;
    link->settle = [this]() { scheduler_->Flush(); };
    const std::string worker_id = scheduler_->RegisterWorker(registration, link);
    scheduler_->Flush();  // what registering assigned is sent, and its leases run from now
    return worker_id;
  }
  static JobOutcome Outcome(const std::string& job_id, JobOutcome::Kind kind) {
    JobOutcome outcome;
    outcome.job_id = job_id;
    outcome.kind = kind;
    return outcome;
  }
  static JobProgress Progress(const std::string& job_id, int64_t done, int64_t total) {
    JobProgress progress;
    progress.job_id = job_id;
    progress.frames_done = done;
    progress.frames_total = total;
    return progress;
  }
  // The job as stored once every decision so far is applied.
  JobRecord Job(const std::string& id) {
    scheduler_->Flush();
    return *store_->Get(id);
  }

  testing::TempDir dir_;
  ManualClock clock_;
  JobEvents events_;
  ServerMetrics metrics_;
  std::unique_ptr<GatedStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, RegisteredComesFirstThenAssignment) {
  Submit("a1", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  scheduler_->Flush();
  ASSERT_EQ(link->calls.size(), 2u);
  EXPECT_EQ(link->calls[0].kind, "registered");
  EXPECT_EQ(link->calls[0].id, worker);
  EXPECT_EQ(link->terms.lease, absl::Seconds(30));
  EXPECT_EQ(link->calls[1].kind, "assign");
  EXPECT_EQ(link->calls[1].id, "a1");
  EXPECT_EQ(link->calls[1].attempt, 1);
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  EXPECT_EQ(Job("a1").worker_id, worker);
  EXPECT_EQ(metrics_.jobs_running.Value(), 1);
  EXPECT_EQ(metrics_.queue_depth.Value(), 0);
}

TEST_F(SchedulerTest, OwnersTakeTurnsOldestJobFirst) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  Submit("a3", "alice");
  Submit("b1", "bob");
  EXPECT_EQ(metrics_.queue_depth.Value(), 4);
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  // One slot: each finish frees it for the next pick.
  for (int i = 0; i < 3; ++i) {
    JobOutcome failed = Outcome(link->AssignedJobs().back(), JobOutcome::Kind::kFailed);
    failed.reason = "test";
    scheduler_->FinishJob(worker, failed);
  }
  EXPECT_EQ(link->AssignedJobs(), (std::vector<std::string>{"a1", "b1", "a2", "a3"}));
  EXPECT_EQ(Job("a1").failure_reason, "test");  // Job() applies the journal: metrics are due
  EXPECT_EQ(metrics_.jobs_failed.Value(), 3);
}

TEST_F(SchedulerTest, HeartbeatsRenewTheLease) {
  Submit("a1", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  WorkerHeartbeat heartbeat;
  heartbeat.job_ids = {"a1"};
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Seconds(20));
    scheduler_->Heartbeat(worker, heartbeat);
    scheduler_->Tick();
  }
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  EXPECT_TRUE(link->CancelledJobs().empty());
}

TEST_F(SchedulerTest, LapsedLeaseRequeuesThenFailsAfterMaxAttempts) {
  Submit("a1", "alice");
  auto first = std::make_shared<FakeLink>();
  Register(first);
  clock_.Advance(absl::Seconds(31));
  auto second = std::make_shared<FakeLink>();  // registers after the first worker went silent
  const std::string second_id = Register(second);
  scheduler_->Tick();
  // The first worker's lease lapsed: it is told to stop, and the job went to the other worker
  // (attempt 2), and the silent worker's stream is closed.
  EXPECT_EQ(first->CancelledJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(first->disconnects(), 1);
  ASSERT_EQ(second->AssignedJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").attempts, 2);
  EXPECT_EQ(Job("a1").worker_id, second_id);
  // The second attempt lapses too: with max_attempts 2 the job fails, naming why.
  clock_.Advance(absl::Seconds(31));
  scheduler_->Tick();
  JobRecord job = Job("a1");
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.failure_reason,
            "gave up after 2 attempts; last: lease lapsed: no heartbeat from worker " +
                second_id + " for 30s");
  EXPECT_EQ(metrics_.jobs_failed.Value(), 1);
  EXPECT_EQ(metrics_.jobs_running.Value(), 0);
}

TEST_F(SchedulerTest, ALapsedLeaseKeepsTheSlotUntilTheWorkerLetsGo) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  // The worker keeps heartbeating but does not list a1 (the assignment was lost on the way, or
  // its task hung up): the lease lapses and a1 is cancelled and queued again, yet the worker
  // may still be running it, so its one slot stays taken until it says otherwise.
  WorkerHeartbeat nothing_listed;
  clock_.Advance(absl::Seconds(15));
  scheduler_->Heartbeat(worker, nothing_listed);  // a1 still leased: its slot stays
  clock_.Advance(absl::Seconds(16));
  scheduler_->Tick();
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").state, JobState::kQueued);
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});  // nothing on a busy slot
  EXPECT_EQ(link->disconnects(), 0);                                // it is not silent
  // The acknowledgement frees the slot; a1 goes first again (the oldest), as attempt 2.
  scheduler_->FinishJob(worker, Outcome("a1", JobOutcome::Kind::kHandedBack));
  EXPECT_EQ(link->AssignedJobs(), (std::vector<std::string>{"a1", "a1"}));
  EXPECT_EQ(link->calls.back().attempt, 2);
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
}

TEST_F(SchedulerTest, AHeartbeatThatNoLongerListsALapsedJobFreesItsSlot) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link, /*max_jobs=*/2);
  ASSERT_EQ(link->AssignedJobs(), (std::vector<std::string>{"a1", "a2"}));
  // a2 is renewed, a1 is not listed: a1's lease lapses. Its new attempt may not go back to
  // this worker while the slot still holds attempt 1, so a late report is never mistaken for
  // attempt 2's.
  WorkerHeartbeat only_a2;
  only_a2.job_ids = {"a2"};
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(absl::Seconds(16));
    scheduler_->Heartbeat(worker, only_a2);
    scheduler_->Tick();
  }
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").state, JobState::kQueued);
  EXPECT_EQ(Job("a1").attempts, 1);
  EXPECT_EQ(link->AssignedJobs(), (std::vector<std::string>{"a1", "a2"}));
  JobOutcome late_failure = Outcome("a1", JobOutcome::Kind::kFailed);
  late_failure.retryable = true;
  late_failure.reason = "cancelled";
  scheduler_->FinishJob(worker, late_failure);  // attempt 1's, after the lapse
  // Once the slot is free (the report above), a1 runs again as attempt 2; had attempt 2 gone
  // to this worker at once, the late report would have used it up (max_attempts 2: failed).
  EXPECT_EQ(link->AssignedJobs(), (std::vector<std::string>{"a1", "a2", "a1"}));
  EXPECT_EQ(link->calls.back().attempt, 2);
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  EXPECT_EQ(Job("a1").attempts, 2);
}

TEST_F(SchedulerTest, ADrainingWorkerTakesNothingAndIsClosedWhenItFallsSilent) {
  Submit("a1", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link, /*max_jobs=*/2, /*max_live=*/1);
  WorkerHeartbeat draining;
  draining.job_ids = {"a1"};
  draining.draining = true;
  clock_.Advance(absl::Seconds(10));
  scheduler_->Heartbeat(worker, draining);
  Submit("a2", "alice");
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});  // a free slot, but draining
  EXPECT_EQ(scheduler_->ReserveLiveSlot("s1", vmm::v1::METHOD_LEARNED).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(link->disconnects(), 0);
  // It then hangs: silent past the lease, its stream is closed like any other's.
  clock_.Advance(absl::Seconds(31));
  scheduler_->Tick();
  EXPECT_EQ(link->disconnects(), 1);
  scheduler_->Tick();
  EXPECT_EQ(link->disconnects(), 1);  // once
}

TEST_F(SchedulerTest, DisconnectRequeuesAndHandBackDoesNotCountAnAttempt) {
  Submit("a1", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  JobOutcome handed_back = Outcome("a1", JobOutcome::Kind::kHandedBack);
  handed_back.reason = "stopping";
  scheduler_->FinishJob(worker, handed_back);
  // Handed back and immediately reassigned to the same free worker: attempt 1 again.
  EXPECT_EQ(Job("a1").attempts, 1);
  EXPECT_EQ(link->AssignedJobs().size(), 2u);
  scheduler_->WorkerDisconnected(worker);
  JobRecord job = Job("a1");
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(metrics_.workers_connected.Value(), 0);
  EXPECT_EQ(metrics_.queue_depth.Value(), 1);
}

TEST_F(SchedulerTest, ProgressLivesInMemoryAndLandsWithTheFinalState) {
  Submit("a1", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  scheduler_->Flush();
  const size_t writes = store_->Updates().size();
  scheduler_->ReportProgress(worker, Progress("a1", 40, 90));
  scheduler_->Flush();
  EXPECT_EQ(store_->Updates().size(), writes);  // no write for progress
  JobRecord stored = Job("a1");
  EXPECT_EQ(stored.frames_done, 0);
  scheduler_->OverlayProgress(&stored);
  EXPECT_EQ(stored.frames_done, 40);
  EXPECT_EQ(stored.frames_total, 90);
  EXPECT_EQ(metrics_.frames_processed.Value(), 40);
  // Another worker's report for the job is ignored.
  scheduler_->ReportProgress("other#9", Progress("a1", 80, 90));
  EXPECT_EQ(metrics_.frames_processed.Value(), 40);
  JobOutcome failed = Outcome("a1", JobOutcome::Kind::kFailed);
  scheduler_->FinishJob(worker, failed);
  EXPECT_EQ(Job("a1").frames_done, 40);
  EXPECT_EQ(Job("a1").frames_total, 90);
  EXPECT_EQ(Job("a1").failure_reason, "the worker gave no reason");
}

TEST_F(SchedulerTest, SuccessNeedsTheUploadedResult) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link, /*max_jobs=*/2);
  const std::string sha(64, 'c');
  ASSERT_TRUE(scheduler_->RecordResult(worker, "a1", "/spool/results/a1", 50, sha).ok());
  EXPECT_EQ(Job("a1").result_path, "/spool/results/a1");  // durable on return
  EXPECT_EQ(scheduler_->CheckLease(worker, "a1")->result_size_bytes, 50);
  JobOutcome ok = Outcome("a1", JobOutcome::Kind::kSucceeded);
  ok.result_size_bytes = 50;
  ok.result_sha256 = sha;
  ok.frames_processed = 12;
  scheduler_->FinishJob(worker, ok);
  EXPECT_EQ(Job("a1").state, JobState::kSucceeded);
  EXPECT_EQ(Job("a1").result_size_bytes, 50);
  EXPECT_EQ(Job("a1").frames_done, 12);
  EXPECT_EQ(metrics_.jobs_succeeded.Value(), 1);
  JobOutcome claimed = ok;
  claimed.job_id = "a2";
  scheduler_->FinishJob(worker, claimed);
  EXPECT_EQ(Job("a2").state, JobState::kFailed);
  EXPECT_EQ(Job("a2").failure_reason,
            "the worker reported success but its result was not uploaded intact");
  absl::Status late = scheduler_->RecordResult("other#9", "a1", "/x", 1, sha);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.message(), "job a1 is no longer assigned to worker other#9; result dropped");
}

TEST_F(SchedulerTest, CancelTellsTheWorkerAndKeepsTheSlotUntilAcknowledged) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  absl::StatusOr<JobRecord> cancelled = scheduler_->CancelJob("a1", "cancelled by alice");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, JobState::kCancelled);
  EXPECT_EQ(Job("a1").state, JobState::kCancelled);  // durable on return
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(link->AssignedJobs().size(), 1u);  // the slot is still busy
  absl::StatusOr<JobRecord> lease = scheduler_->CheckLease(worker, "a1");
  EXPECT_EQ(lease.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(lease.status().message(), "job a1 is not assigned to worker " + worker + "; drop it");
  scheduler_->FinishJob(worker, Outcome("a1", JobOutcome::Kind::kHandedBack));
  EXPECT_EQ(link->AssignedJobs(), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(Job("a1").state, JobState::kCancelled);  // the acknowledgement changes nothing
  // Cancelling twice returns the job; a queued job is cancelled without a worker.
  EXPECT_EQ(scheduler_->CancelJob("a1", "again")->state, JobState::kCancelled);
  Submit("a3", "alice");
  EXPECT_EQ(metrics_.queue_depth.Value(), 1);
  EXPECT_EQ(scheduler_->CancelJob("a3", "x")->state, JobState::kCancelled);
  EXPECT_EQ(metrics_.queue_depth.Value(), 0);
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
  // A finished job cannot be cancelled.
  const std::string sha(64, 'd');
  ASSERT_TRUE(scheduler_->RecordResult(worker, "a2", "/spool/results/a2", 5, sha).ok());
  JobOutcome ok = Outcome("a2", JobOutcome::Kind::kSucceeded);
  ok.result_size_bytes = 5;
  ok.result_sha256 = sha;
  scheduler_->FinishJob(worker, ok);  // not yet stored: the cancel waits for it
  absl::StatusOr<JobRecord> late = scheduler_->CancelJob("a2", "late");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().message(),
            "job \"jobs/a2\" already SUCCEEDED; only queued or running jobs can be cancelled");
  EXPECT_EQ(scheduler_->CancelJob("nope", "x").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SchedulerTest, RestartRequeuesRunningJobsOrFailsExhaustedOnes) {
  Insert("a1", "alice");
  Insert("a2", "alice");
  Insert("a3", "bob");
  for (const auto& [id, attempts] : std::vector<std::pair<std::string, int>>{{"a1", 1},
                                                                             {"a2", 2}}) {
    JobRecord job = Job(id);
    job.state = JobState::kRunning;
    job.attempts = attempts;
    job.worker_id = "gone#1";
    ASSERT_TRUE(store_->Update(job, JobState::kQueued).ok());
  }
  MakeScheduler();  // a new process
  ASSERT_TRUE(scheduler_->RecoverAfterRestart().ok());
  EXPECT_EQ(Job("a1").state, JobState::kQueued);
  EXPECT_EQ(Job("a1").attempts, 1);
  EXPECT_EQ(Job("a2").state, JobState::kFailed);
  EXPECT_EQ(Job("a2").failure_reason,
            "gave up after 2 attempts; last: the server restarted while it ran");
  EXPECT_EQ(metrics_.queue_depth.Value(), 2);
  // Both queued jobs, the one left QUEUED and the one requeued, are assigned.
  auto link = std::make_shared<FakeLink>();
  Register(link, /*max_jobs=*/2);
  std::vector<std::string> assigned = link->AssignedJobs();
  std::sort(assigned.begin(), assigned.end());
  EXPECT_EQ(assigned, (std::vector<std::string>{"a1", "a3"}));
}

TEST_F(SchedulerTest, ShutdownRequeuesWithoutCountingAndStopsAssigning) {
  Submit("a1", "alice");
  auto link = std::make_shared<FakeLink>();
  Register(link);
  scheduler_->Shutdown();
  EXPECT_EQ(Job("a1").state, JobState::kQueued);
  EXPECT_EQ(Job("a1").attempts, 0);
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
  scheduler_->Tick();
  EXPECT_EQ(link->AssignedJobs().size(), 1u);
}

TEST_F(SchedulerTest, LiveSessionsTakeAFreeLiveSlot) {
  EXPECT_EQ(scheduler_->ReserveLiveSlot("s1", vmm::v1::METHOD_LEARNED).status().code(),
            absl::StatusCode::kUnavailable);
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link, 1, /*max_live=*/1);
  absl::StatusOr<LiveWorker> bound = scheduler_->ReserveLiveSlot("s1", vmm::v1::METHOD_LEARNED);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->worker_id, worker);
  EXPECT_EQ(bound->device, "cpu");
  // The worker hears of the session only when the session says so.
  EXPECT_TRUE(link->Ids("live").empty());
  LiveAssignment s1;
  s1.session_id = "s1";
  ASSERT_TRUE(scheduler_->StartLiveSession(worker, s1).ok());
  EXPECT_EQ(link->Ids("live"), std::vector<std::string>{"s1"});
  absl::StatusOr<LiveWorker> full = scheduler_->ReserveLiveSlot("s2", vmm::v1::METHOD_LEARNED);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(full.status().message(),
            "no worker has a free live slot for METHOD_LEARNED (1 of 1 connected workers run "
            "it); retry later");
  scheduler_->ReleaseLiveSlot(worker, "s1");
  EXPECT_TRUE(scheduler_->ReserveLiveSlot("s2", vmm::v1::METHOD_LEARNED).ok());
  // A worker that left cannot start a session it had reserved.
  scheduler_->WorkerDisconnected(worker);
  LiveAssignment s2;
  s2.session_id = "s2";
  absl::Status gone = scheduler_->StartLiveSession(worker, s2);
  EXPECT_EQ(gone.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(gone.message(), "worker " + worker + " left before the live session started; retry");
}

// While a store write is held, heartbeats, progress, outcomes, lease checks and live slots
// still go through: the scheduler's lock is never held across store I/O, and calls made from
// gRPC reactions never wait for the store.
TEST_F(SchedulerTest, HeartbeatsProgressAndLeaseChecksDoNotWaitForTheStore) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link, /*max_jobs=*/2, /*max_live=*/1);
  store_->Close();
  std::future<absl::StatusOr<JobRecord>> cancel = std::async(
      std::launch::async, [&] { return scheduler_->CancelJob("a1", "cancelled by alice"); });
  ASSERT_TRUE(store_->WaitForHeldUpdate());
  std::future<bool> others = std::async(std::launch::async, [&] {
    WorkerHeartbeat heartbeat;
    heartbeat.job_ids = {"a1", "a2"};
    scheduler_->Heartbeat(worker, heartbeat);
    scheduler_->ReportProgress(worker, Progress("a2", 5, 10));
    JobRecord running;
    running.id = "a2";
    running.state = JobState::kRunning;
    scheduler_->OverlayProgress(&running);
    const bool leased = scheduler_->CheckLease(worker, "a2").ok();
    // Requeued and reassigned in memory; the writes wait behind the held one.
    scheduler_->FinishJob(worker, Outcome("a2", JobOutcome::Kind::kHandedBack));
    return leased && running.frames_done == 5 && scheduler_->ReserveLiveSlot("s1", vmm::v1::METHOD_LEARNED).ok();
  });
  const bool went_through = others.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  store_->Open();
  EXPECT_TRUE(went_through) << "a call waited for the held store write";
  EXPECT_TRUE(others.get());
  ASSERT_TRUE(cancel.get().ok());
  EXPECT_EQ(Job("a1").state, JobState::kCancelled);
}

// Writes reach the store in the order the scheduler decided them, and an assignment reaches
// the worker only once the job is durably RUNNING.
TEST_F(SchedulerTest, AssignmentsWaitForTheirWriteAndWritesKeepTheirOrder) {
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  scheduler_->Flush();
  store_->Close();
  Submit("a1", "alice");  // returns at once; the writer thread waits at the gate
  ASSERT_TRUE(store_->WaitForHeldUpdate());
  {
    std::lock_guard<std::mutex> lock(link->mutex);
    EXPECT_EQ(link->calls.size(), 1u);  // Registered only
  }
  store_->Open();
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});
  // Hand back (requeue, then reassign) and fail: four writes, in decision order.
  scheduler_->FinishJob(worker, Outcome("a1", JobOutcome::Kind::kHandedBack));
  scheduler_->FinishJob(worker, Outcome("a1", JobOutcome::Kind::kFailed));
  scheduler_->Flush();
  EXPECT_EQ(store_->Updates(), (std::vector<std::pair<std::string, JobState>>{
                                   {"a1", JobState::kRunning},
                                   {"a1", JobState::kQueued},
                                   {"a1", JobState::kRunning},
                                   {"a1", JobState::kFailed}}));
  EXPECT_EQ(Job("a1").state, JobState::kFailed);
}

// An assignment whose write fails is not sent; memory goes back to the stored QUEUED job, and
// it is assigned again once the backoff has passed.
TEST_F(SchedulerTest, AFailedAssignmentIsNotSentAndIsMadeAgainAfterTheBackoff) {
  auto link = std::make_shared<FakeLink>();
  Register(link);
  store_->FailNextUpdates(1);
  // Not Submit, which advances the clock: the backoff must start from the failure's time.
  JobRecord job;
  job.id = "a1";
  job.owner = "alice";
  job.create_time = clock_.Now();
  ASSERT_TRUE(scheduler_->AddJob(&job).ok());
  scheduler_->Flush();
  EXPECT_TRUE(link->AssignedJobs().empty());
  EXPECT_EQ(Job("a1").state, JobState::kQueued);
  scheduler_->Tick();  // within the backoff: nothing
  scheduler_->Flush();
  EXPECT_TRUE(link->AssignedJobs().empty());
  clock_.Advance(absl::Seconds(1));
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  EXPECT_EQ(Job("a1").attempts, 1);
}

// A store that keeps failing is tried once per backoff (1 s, then 2 s, ...), not in a loop,
// and the scheduler still answers meanwhile.
TEST_F(SchedulerTest, AStoreThatKeepsFailingIsTriedOncePerBackoff) {
  auto link = std::make_shared<FakeLink>();
  Register(link);
  store_->FailNextUpdates(1000000);
  Submit("a1", "alice");
  scheduler_->Flush();
  EXPECT_EQ(store_->UpdateCalls(), 1);
  clock_.Advance(absl::Seconds(1));
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(store_->UpdateCalls(), 2);
  clock_.Advance(absl::Seconds(1));  // the backoff is 2 s now
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(store_->UpdateCalls(), 2);
  clock_.Advance(absl::Seconds(1));
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(store_->UpdateCalls(), 3);
  store_->FailNextUpdates(0);
  clock_.Advance(absl::Seconds(4));
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
}

// A job whose write failed and whose record could not be read back either is read again at a
// later Tick, and scheduled as the store has it.
TEST_F(SchedulerTest, AJobThatCouldNotBeReadBackIsReadAgainLater) {
  auto link = std::make_shared<FakeLink>();
  Register(link);
  store_->FailNextUpdates(1);
  store_->FailNextGets(1);
  Submit("a1", "alice");
  scheduler_->Flush();
  EXPECT_TRUE(link->AssignedJobs().empty());
  clock_.Advance(absl::Seconds(1));
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
}

// A success the worker reported is a fact: a failed write of it is tried again, and the job is
// neither run again nor failed for a lapsed lease.
TEST_F(SchedulerTest, AReportedSuccessIsStoredEvenIfItsFirstWriteFails) {
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  Submit("a1", "alice");
  scheduler_->Flush();  // the assignment is stored and sent
  const std::string sha(64, 'a');
  ASSERT_TRUE(scheduler_->RecordResult(worker, "a1", "/spool/results/a1", 9, sha).ok());
  JobOutcome ok = Outcome("a1", JobOutcome::Kind::kSucceeded);
  ok.result_size_bytes = 9;
  ok.result_sha256 = sha;
  store_->FailNextUpdates(1);
  scheduler_->FinishJob(worker, ok);
  scheduler_->Flush();
  EXPECT_EQ(Job("a1").state, JobState::kRunning);  // not stored yet
  // A cancel meanwhile does not overrule the success being stored.
  EXPECT_EQ(scheduler_->CancelJob("a1", "cancelled by alice").status().code(),
            absl::StatusCode::kUnavailable);
  clock_.Advance(absl::Seconds(1));
  scheduler_->Tick();
  EXPECT_EQ(Job("a1").state, JobState::kSucceeded);
  EXPECT_EQ(Job("a1").result_path, "/spool/results/a1");
  clock_.Advance(absl::Seconds(60));
  scheduler_->Tick();
  scheduler_->Flush();
  EXPECT_EQ(Job("a1").state, JobState::kSucceeded);
  EXPECT_EQ(link->AssignedJobs(), std::vector<std::string>{"a1"});
  EXPECT_TRUE(link->CancelledJobs().empty());
}

// A result that could not be recorded is not believed; a cancel whose write fails is an error
// and does not reach the worker, which keeps the job; the next cancel does.
TEST_F(SchedulerTest, AFailedResultOrCancelWriteLeavesTheJobRunning) {
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  Submit("a1", "alice");
  scheduler_->Flush();  // the assignment is stored and sent
  const std::string sha(64, 'a');
  store_->FailNextUpdates(1);
  EXPECT_EQ(scheduler_->RecordResult(worker, "a1", "/spool/results/a1", 9, sha).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Job("a1").result_path, "");
  store_->FailNextUpdates(1);
  EXPECT_EQ(scheduler_->CancelJob("a1", "cancelled by alice").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(link->CancelledJobs().empty());
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  absl::StatusOr<JobRecord> cancelled = scheduler_->CancelJob("a1", "cancelled by alice");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(Job("a1").state, JobState::kCancelled);
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
}

// A lease runs from when the worker is told: a store slower than the lease does not lapse it.
TEST_F(SchedulerTest, ALeaseStartsWhenTheAssignmentIsSent) {
  auto link = std::make_shared<FakeLink>();
  const std::string worker = Register(link);
  scheduler_->Flush();
  store_->Close();
  Submit("a1", "alice");
  ASSERT_TRUE(store_->WaitForHeldUpdate());
  clock_.Advance(absl::Seconds(31));
  scheduler_->Tick();
  store_->Open();
  scheduler_->Flush();
  EXPECT_TRUE(link->CancelledJobs().empty());
  clock_.Advance(absl::Seconds(29));
  scheduler_->Tick();
  EXPECT_TRUE(link->CancelledJobs().empty());
  EXPECT_EQ(Job("a1").attempts, 1);
  clock_.Advance(absl::Seconds(2));
  scheduler_->Tick();
  EXPECT_EQ(link->CancelledJobs(), std::vector<std::string>{"a1"});
}

// A worker that does not measure (an older one) is given no measurement job, and the jobs
// behind one still reach it.
TEST_F(SchedulerTest, MeasurementJobsGoOnlyToWorkersThatMeasure) {
  JobRecord measure;
  measure.id = "m1";
  measure.owner = "alice";
  measure.analysis.emplace();
  ASSERT_TRUE(scheduler_->AddJob(&measure).ok());
  clock_.Advance(absl::Seconds(1));
  Submit("a1", "alice");
  auto old = std::make_shared<FakeLink>();
  Register(old, /*max_jobs=*/2, /*max_live=*/0, /*measures=*/false);
  EXPECT_EQ(old->AssignedJobs(), std::vector<std::string>{"a1"});
  auto current = std::make_shared<FakeLink>();
  Register(current);
  EXPECT_EQ(current->AssignedJobs(), std::vector<std::string>{"m1"});
  EXPECT_EQ(Job("m1").state, JobState::kRunning);
}

TEST_F(SchedulerTest, JobsAndLiveSessionsGoOnlyToWorkersThatRunTheirMethod) {
  Submit("riesz", "alice", vmm::v1::METHOD_RIESZ);
  Submit("learned", "alice", vmm::v1::METHOD_UNSPECIFIED);
  // A worker older than the methods field runs the learned method only.
  auto old = std::make_shared<FakeLink>();
  const std::string old_id = Register(old, /*max_jobs=*/2, /*max_live=*/1, true, /*methods=*/{});
  EXPECT_EQ(old->AssignedJobs(), std::vector<std::string>{"learned"});
  EXPECT_EQ(Job("riesz").state, JobState::kQueued);
  absl::StatusOr<LiveWorker> refused = scheduler_->ReserveLiveSlot("s1", vmm::v1::METHOD_RIESZ);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(refused.status().message(),
            "no worker has a free live slot for METHOD_RIESZ (0 of 1 connected workers run it); "
            "retry later");
  absl::StatusOr<LiveWorker> learned = scheduler_->ReserveLiveSlot("s1", vmm::v1::METHOD_LEARNED);
  ASSERT_TRUE(learned.ok());
  EXPECT_EQ(learned->worker_id, old_id);
  // A worker that runs it takes the waiting job and the session.
  auto current = std::make_shared<FakeLink>();
  const std::string current_id = Register(current, 1, /*max_live=*/1);
  EXPECT_EQ(current->AssignedJobs(), std::vector<std::string>{"riesz"});
  absl::StatusOr<LiveWorker> riesz = scheduler_->ReserveLiveSlot("s2", vmm::v1::METHOD_RIESZ);
  ASSERT_TRUE(riesz.ok());
  EXPECT_EQ(riesz->worker_id, current_id);
}

}  // namespace
}  // namespace vmm::server
