// Scheduler, with a hand-moved clock and fake worker sinks: fairness between owners, leases
// renewed by heartbeats and lapsing into requeues and failures, hand-backs, cancellation,
// recovery after a restart, and live slots.
#include "server/scheduler.h"

#include <gtest/gtest.h>

#include <vector>

#include "server/sqlite_job_store.h"
#include "tests/server/temp_dir.h"

namespace vmm::server {
namespace {

// Collects what the scheduler sends to one worker.
struct FakeSink {
  std::vector<vmm::v1::ServerMessage> messages;
  int disconnects = 0;

  WorkerSink sink() {
    return [this](const vmm::v1::ServerMessage& message) { messages.push_back(message); };
  }
  std::vector<std::string> AssignedJobs() const {
    std::vector<std::string> ids;
    for (const auto& message : messages) {
      if (message.has_assignment()) ids.push_back(message.assignment().job_id());
    }
    return ids;
  }
  std::vector<std::string> CancelledJobs() const {
    std::vector<std::string> ids;
    for (const auto& message : messages) {
      if (message.has_cancel()) ids.push_back(message.cancel().job_id());
    }
    return ids;
  }
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *SqliteJobStore::Open(dir_.Join("jobs.db"));
    MakeScheduler();
  }
  void MakeScheduler() {
    SchedulerOptions options;
    options.lease = absl::Seconds(30);
    options.max_attempts = 2;
    scheduler_ = std::make_unique<Scheduler>(store_.get(), &clock_, &events_, &metrics_,
                                             options);
  }
  void Submit(const std::string& id, const std::string& owner) {
    JobRecord job;
    job.id = id;
    job.owner = owner;
    job.create_time = clock_.Now();
    job.input_size_bytes = 10;
    ASSERT_TRUE(store_->Insert(&job).ok());
    clock_.Advance(absl::Seconds(1));
    scheduler_->JobQueued();
  }
  std::string Register(FakeSink* sink, int max_jobs = 1, int max_live = 0) {
    vmm::v1::Register request;
    request.set_worker_name("w");
    request.set_device("cpu");
    request.set_max_jobs(max_jobs);
    request.set_max_live_sessions(max_live);
    return scheduler_->RegisterWorker(request, sink->sink(), [sink]() { ++sink->disconnects; });
  }
  vmm::v1::JobFinished Finished(const std::string& job_id) {
    vmm::v1::JobFinished finished;
    finished.set_job_id(job_id);
    return finished;
  }
  JobRecord Job(const std::string& id) { return *store_->Get(id); }

  testing::TempDir dir_;
  ManualClock clock_;
  JobEvents events_;
  ServerMetrics metrics_;
  std::unique_ptr<SqliteJobStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, RegisteredComesFirstThenAssignment) {
  Submit("a1", "alice");
  FakeSink sink;
  const std::string worker = Register(&sink);
  ASSERT_EQ(sink.messages.size(), 2u);
  EXPECT_TRUE(sink.messages[0].has_registered());
  EXPECT_EQ(sink.messages[0].registered().worker_id(), worker);
  EXPECT_EQ(sink.messages[0].registered().lease_seconds(), 30);
  ASSERT_TRUE(sink.messages[1].has_assignment());
  EXPECT_EQ(sink.messages[1].assignment().job_id(), "a1");
  EXPECT_EQ(sink.messages[1].assignment().attempt(), 1);
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  EXPECT_EQ(Job("a1").worker_id, worker);
  EXPECT_EQ(metrics_.jobs_running.Value(), 1);
}

TEST_F(SchedulerTest, OwnersTakeTurnsOldestJobFirst) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  Submit("a3", "alice");
  Submit("b1", "bob");
  FakeSink sink;
  const std::string worker = Register(&sink);
  // One slot: each finish frees it for the next pick.
  for (int i = 0; i < 3; ++i) {
    const std::string running = sink.AssignedJobs().back();
    vmm::v1::JobFinished finished = Finished(running);
    finished.mutable_failed()->set_reason("test");
    scheduler_->FinishJob(worker, finished);
  }
  EXPECT_EQ(sink.AssignedJobs(), (std::vector<std::string>{"a1", "b1", "a2", "a3"}));
}

TEST_F(SchedulerTest, HeartbeatsRenewTheLease) {
  Submit("a1", "alice");
  FakeSink sink;
  const std::string worker = Register(&sink);
  vmm::v1::Heartbeat heartbeat;
  heartbeat.add_job_ids("a1");
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Seconds(20));
    scheduler_->Heartbeat(worker, heartbeat);
    scheduler_->Tick();
  }
  EXPECT_EQ(Job("a1").state, JobState::kRunning);
  EXPECT_TRUE(sink.CancelledJobs().empty());
}

TEST_F(SchedulerTest, LapsedLeaseRequeuesThenFailsAfterMaxAttempts) {
  Submit("a1", "alice");
  FakeSink first;
  Register(&first);
  clock_.Advance(absl::Seconds(31));
  FakeSink second;  // registers after the first worker went silent
  const std::string second_id = Register(&second);
  scheduler_->Tick();
  // The first worker's lease lapsed: it is told to stop, and the job went to the other worker
  // (attempt 2), and the silent worker's stream is closed.
  EXPECT_EQ(first.CancelledJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(first.disconnects, 1);
  ASSERT_EQ(second.AssignedJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(Job("a1").attempts, 2);
  EXPECT_EQ(Job("a1").worker_id, second_id);
  // The second attempt lapses too: with max_attempts 2 the job fails, naming why.
  clock_.Advance(absl::Seconds(31));
  scheduler_->Tick();
  JobRecord job = Job("a1");
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_NE(job.failure_reason.find("gave up after 2 attempts"), std::string::npos)
      << job.failure_reason;
  EXPECT_NE(job.failure_reason.find("lease lapsed"), std::string::npos);
  EXPECT_EQ(metrics_.jobs_failed.Value(), 1);
}

TEST_F(SchedulerTest, DisconnectRequeuesAndHandBackDoesNotCountAnAttempt) {
  Submit("a1", "alice");
  FakeSink first;
  const std::string first_id = Register(&first);
  vmm::v1::JobFinished handed_back = Finished("a1");
  handed_back.mutable_handed_back()->set_reason("stopping");
  scheduler_->FinishJob(first_id, handed_back);
  // Handed back and immediately reassigned to the same free worker: attempt 1 again.
  EXPECT_EQ(Job("a1").attempts, 1);
  EXPECT_EQ(first.AssignedJobs().size(), 2u);
  scheduler_->WorkerDisconnected(first_id);
  JobRecord job = Job("a1");
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(metrics_.workers_connected.Value(), 0);
}

TEST_F(SchedulerTest, SuccessNeedsTheUploadedResult) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  FakeSink sink;
  const std::string worker = Register(&sink, /*max_jobs=*/2);
  const std::string sha(64, 'c');
  ASSERT_TRUE(scheduler_->RecordResult(worker, "a1", "/spool/results/a1", 50, sha).ok());
  vmm::v1::JobFinished ok = Finished("a1");
  ok.mutable_succeeded()->set_result_size_bytes(50);
  ok.mutable_succeeded()->set_result_sha256(sha);
  scheduler_->FinishJob(worker, ok);
  EXPECT_EQ(Job("a1").state, JobState::kSucceeded);
  EXPECT_EQ(Job("a1").result_size_bytes, 50);
  vmm::v1::JobFinished claimed = Finished("a2");
  claimed.mutable_succeeded()->set_result_size_bytes(50);
  claimed.mutable_succeeded()->set_result_sha256(sha);
  scheduler_->FinishJob(worker, claimed);
  EXPECT_EQ(Job("a2").state, JobState::kFailed);
  EXPECT_NE(Job("a2").failure_reason.find("not uploaded"), std::string::npos);
  EXPECT_EQ(scheduler_->RecordResult("other#9", "a1", "/x", 1, sha).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SchedulerTest, CancelTellsTheWorkerAndKeepsTheSlotUntilAcknowledged) {
  Submit("a1", "alice");
  Submit("a2", "alice");
  FakeSink sink;
  const std::string worker = Register(&sink);
  absl::StatusOr<JobRecord> cancelled = scheduler_->CancelJob("a1", "cancelled by alice");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, JobState::kCancelled);
  EXPECT_EQ(sink.CancelledJobs(), std::vector<std::string>{"a1"});
  EXPECT_EQ(sink.AssignedJobs().size(), 1u);  // the slot is still busy
  EXPECT_EQ(scheduler_->CheckLease(worker, "a1").status().code(),
            absl::StatusCode::kFailedPrecondition);
  vmm::v1::JobFinished ack = Finished("a1");
  ack.mutable_cancelled();
  scheduler_->FinishJob(worker, ack);
  EXPECT_EQ(sink.AssignedJobs(), (std::vector<std::string>{"a1", "a2"}));
  // Cancelling twice returns the job; a finished job cannot be cancelled.
  EXPECT_TRUE(scheduler_->CancelJob("a1", "again").ok());
  ASSERT_TRUE(scheduler_->CancelJob("a2", "x").ok());
  Submit("a3", "alice");
  JobRecord done = Job("a3");
  done.state = JobState::kSucceeded;
  ASSERT_TRUE(store_->Update(done, Job("a3").state).ok());
  EXPECT_EQ(scheduler_->CancelJob("a3", "late").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SchedulerTest, RestartRequeuesRunningJobsOrFailsExhaustedOnes) {
  Submit("a1", "alice");
  Submit("a2", "alice");
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
  EXPECT_NE(Job("a2").failure_reason.find("restarted"), std::string::npos);
  EXPECT_EQ(metrics_.queue_depth.Value(), 1);
}

TEST_F(SchedulerTest, ShutdownRequeuesWithoutCountingAndStopsAssigning) {
  Submit("a1", "alice");
  FakeSink sink;
  Register(&sink);
  scheduler_->Shutdown();
  EXPECT_EQ(Job("a1").state, JobState::kQueued);
  EXPECT_EQ(Job("a1").attempts, 0);
  EXPECT_EQ(sink.CancelledJobs(), std::vector<std::string>{"a1"});
  scheduler_->Tick();
  EXPECT_EQ(sink.AssignedJobs().size(), 1u);
}

TEST_F(SchedulerTest, LiveSessionsTakeAFreeLiveSlot) {
  vmm::v1::LiveConfig config;
  EXPECT_EQ(scheduler_->ReserveLiveSlot("s1", config, 4).status().code(),
            absl::StatusCode::kUnavailable);
  FakeSink sink;
  const std::string worker = Register(&sink, 1, /*max_live=*/1);
  absl::StatusOr<LiveWorker> bound = scheduler_->ReserveLiveSlot("s1", config, 4);
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->worker_id, worker);
  EXPECT_TRUE(sink.messages.back().has_live_assignment());
  EXPECT_EQ(sink.messages.back().live_assignment().session_id(), "s1");
  absl::StatusOr<LiveWorker> full = scheduler_->ReserveLiveSlot("s2", config, 4);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(full.status().message().find("no worker has a free live slot"), std::string::npos);
  scheduler_->ReleaseLiveSlot(worker, "s1");
  EXPECT_TRUE(scheduler_->ReserveLiveSlot("s2", config, 4).ok());
}

}  // namespace
}  // namespace vmm::server
