#include "server/scheduler.h"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/sha256.h"

namespace vmm::server {

Scheduler::Scheduler(JobStore* store, Clock* clock, JobEvents* events, ServerMetrics* metrics,
                     SchedulerOptions options)
    : store_(store),
      clock_(clock),
      events_(events),
      metrics_(metrics),
      options_(options),
      writer_([this]() { WriteJournal(); }) {}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  journal_grew_.notify_all();
  writer_.join();
  {
    // One more try for the reported final states a failing store refused.
    std::lock_guard<std::mutex> lock(mutex_);
    for (JournalEntry& entry : failed_writes_) journal_.push_back(std::move(entry));
    failed_writes_.clear();
  }
  Drain();
}

void Scheduler::Flush() { Drain(); }

void Scheduler::WriteJournal() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      journal_grew_.wait(lock, [&] { return stopping_ || !journal_.empty(); });
      if (stopping_) return;
    }
    Drain();
  }
}

absl::Status Scheduler::RecoverAfterRestart() {
  std::vector<JobRecord> found[2];  // QUEUED, RUNNING
  const JobState states[2] = {JobState::kQueued, JobState::kRunning};
  for (int i = 0; i < 2; ++i) {
    JobQuery query;
    query.state = states[i];
    query.limit = 500;
    while (true) {
      absl::StatusOr<JobPage> page = store_->List(query);
      if (!page.ok()) return page.status();
      for (JobRecord& job : page->jobs) found[i].push_back(std::move(job));
      if (page->next_before_sequence == 0) break;
      query.before_sequence = page->next_before_sequence;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (JobRecord& job : found[0]) Enqueue(std::move(job));
    for (JobRecord& job : found[1]) {
      const std::string id = job.id;
      active_[id].record = std::move(job);
      TakeBack(id, "the server restarted while it ran", /*count_attempt=*/true);
    }
    RefreshGauges();
  }
  Drain();
  return absl::OkStatus();
}

void Scheduler::ReportProgress(const std::string& worker_id, const JobProgress& progress) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ActiveJob* job = LeasedBy(worker_id, progress.job_id);
    if (job == nullptr) return;
    const absl::Time now = clock_->Now();
    job->lease_expiry = now + options_.lease;
    if (progress.frames_done > job->frames_reported) {
      metrics_->frames_processed.Increment(
          static_cast<double>(progress.frames_done - job->frames_reported));
      job->frames_reported = progress.frames_done;
    }
    job->frames_done = progress.frames_done;
    job->frames_total = progress.frames_total;
    job->frames_per_second = progress.frames_per_second;
    // Watchers hear of progress at most once a second per job (and always when complete).
    const bool complete =
        progress.frames_total > 0 && progress.frames_done >= progress.frames_total;
    if (!complete && now - job->last_progress_notify < absl::Seconds(1)) return;
    job->last_progress_notify = now;
  }
  events_->Notify(progress.job_id);
}

void Scheduler::OverlayProgress(JobRecord* job) {
  if (job->state != JobState::kRunning) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto active = active_.find(job->id);
  if (active == active_.end() || active->second.record.state != JobState::kRunning) return;
  job->frames_done = active->second.frames_done;
  if (active->second.frames_total > 0) job->frames_total = active->second.frames_total;
  job->frames_per_second = active->second.frames_per_second;
}

void Scheduler::FinishJob(const std::string& worker_id, const JobOutcome& outcome) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string& job_id = outcome.job_id;
    // Without a lease: a cancelled job's acknowledgement, or a stale report; only the slot
    // matters.
    if (ActiveJob* job = LeasedBy(worker_id, job_id); job != nullptr) {
      switch (outcome.kind) {
        case JobOutcome::Kind::kSucceeded:
          if (job->record.result_path.empty() ||
              job->record.result_size_bytes != outcome.result_size_bytes ||
              job->record.result_sha256 != common::NormalizeHex(outcome.result_sha256)) {
            Finish(job_id, JobState::kFailed,
                   "the worker reported success but its result was not uploaded intact",
                   Origin::kReported);
            break;
          }
          if (outcome.frames_processed > 0) job->record.frames_done = outcome.frames_processed;
          Finish(job_id, JobState::kSucceeded, "", Origin::kReported);
          break;
        case JobOutcome::Kind::kFailed: {
          const std::string reason =
              outcome.reason.empty() ? "the worker gave no reason" : outcome.reason;
          if (outcome.retryable) {
            TakeBack(job_id, reason, /*count_attempt=*/true);
          } else {
            Finish(job_id, JobState::kFailed, reason, Origin::kReported);
          }
          break;
        }
        case JobOutcome::Kind::kHandedBack:
          TakeBack(job_id,
                   absl::StrCat("handed back by worker ", worker_id, ": ", outcome.reason),
                   /*count_attempt=*/false);
          break;
      }
    }
    ReleaseJobSlot(worker_id, job_id);
    Dispatch();
  }
}

absl::StatusOr<JobRecord> Scheduler::CheckLease(const std::string& worker_id,
                                                const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ActiveJob* job = LeasedBy(worker_id, job_id);
  if (job == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("job ", job_id, " is not assigned to worker ", worker_id, "; drop it"));
  }
  return job->record;
}

absl::Status Scheduler::RecordResult(const std::string& worker_id, const std::string& job_id,
                                     const std::string& path, int64_t size_bytes,
                                     const std::string& sha256) {
  absl::Status written;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ActiveJob* job = LeasedBy(worker_id, job_id);
    if (job == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "job ", job_id, " is no longer assigned to worker ", worker_id, "; result dropped"));
    }
    JobRecord with_result = job->record;
    with_result.result_path = path;
    with_result.result_size_bytes = size_bytes;
    with_result.result_sha256 = common::NormalizeHex(sha256);
    // Memory learns of the result only once it is stored.
    JournalWrite(with_result, JobState::kRunning, [this, with_result, worker_id]() {
      std::lock_guard<std::mutex> lock(mutex_);
      ActiveJob* leased = LeasedBy(worker_id, with_result.id);
      if (leased == nullptr || leased->record.attempts != with_result.attempts) return;
      leased->record.result_path = with_result.result_path;
      leased->record.result_size_bytes = with_result.result_size_bytes;
      leased->record.result_sha256 = with_result.result_sha256;
    }, &written);
  }
  Drain();
  return written;
}

absl::Status Scheduler::AddJob(JobRecord* job) {
  // Under the drain mutex: no decision is stored meanwhile, and a cancel (which drains first)
  // finds the job in memory once its insert is done.
  std::lock_guard<std::mutex> draining(drain_mutex_);
  job->state = JobState::kQueued;
  if (absl::Status status = store_->Insert(job); !status.ok()) return status;
  std::lock_guard<std::mutex> lock(mutex_);
  Enqueue(*job);
  Dispatch();
  RefreshGauges();
  return absl::OkStatus();
}

absl::StatusOr<JobRecord> Scheduler::CancelJob(const std::string& job_id,
                                               const std::string& reason) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    Drain();  // memory and the store agree on every decision taken so far
    absl::Status written;
    std::optional<JobRecord> cancelled;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto active = active_.find(job_id);
      if (active != active_.end()) {
        // The worker hears of the cancel once it is stored (a failed write leaves the job
        // running there); its slot stays taken until it acknowledges.
        std::function<void()> tell_worker;
        if (active->second.record.state == JobState::kRunning) {
          if (auto worker = workers_.find(active->second.worker_id); worker != workers_.end()) {
            tell_worker = [link = worker->second.link, job_id, reason]() {
              link->Cancel(job_id, reason);
            };
          }
        }
        cancelled = Finish(job_id, JobState::kCancelled, reason, Origin::kDecision, &written,
                           std::move(tell_worker));
      }
    }
    if (cancelled.has_value()) {
      Drain();
      if (!written.ok()) return written;
      return *cancelled;
    }
    {
      // A final state a worker reported is waiting to be stored: it stands, not a cancel.
      std::lock_guard<std::mutex> lock(mutex_);
      for (const JournalEntry& entry : failed_writes_) {
        if (entry.write->id == job_id) {
          return absl::UnavailableError(absl::StrCat(
              "job \"jobs/", job_id, "\" already ended; its outcome is being stored; try again"));
        }
      }
    }
    absl::StatusOr<JobRecord> job = store_->Get(job_id);
    if (!job.ok()) return job.status();
    if (job->state == JobState::kCancelled) return job;
    if (IsFinal(job->state)) {
      return absl::FailedPreconditionError(
          absl::StrCat("job \"jobs/", job_id, "\" already ", JobStateName(job->state),
                       "; only queued or running jobs can be cancelled"));
    }
    // Unfinished in the store but not in memory (an earlier write failed): take the store's
    // word for it, and cancel that.
    Reconcile(*job);
  }
  return absl::UnavailableError(absl::StrCat(
      "job \"jobs/", job_id, "\" could not be cancelled: the job store is failing; try again"));
}

void Scheduler::Tick() {
  RetryFailedWrites();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const absl::Time now = clock_->Now();
    std::vector<std::pair<std::string, std::string>> lapsed;  // job id, worker id
    for (const auto& [job_id, job] : active_) {
      if (job.record.state == JobState::kRunning && job.lease_expiry <= now) {
        lapsed.emplace_back(job_id, job.worker_id);
      }
    }
    // The worker may still be running a lapsed job: as for a cancel, its slot stays taken
    // until the worker acknowledges or stops listing the job in its heartbeats.
    for (const auto& [job_id, worker_id] : lapsed) {
      SendCancel(worker_id, job_id, "lease lapsed");
      TakeBack(job_id,
               absl::StrCat("lease lapsed: no heartbeat from worker ", worker_id, " for ",
                            absl::FormatDuration(options_.lease)),
               /*count_attempt=*/true);
    }
    for (auto& [worker_id, worker] : workers_) {
      if (!worker.disconnecting && now - worker.last_heartbeat > options_.lease) {
        common::LogWarning(absl::StrCat("worker ", worker_id, " sent no heartbeat for ",
                                        absl::FormatDuration(now - worker.last_heartbeat),
                                        "; closing its stream"));
        worker.disconnecting = true;
        JournalSend([link = worker.link]() { link->Disconnect(); });
      }
    }
    Dispatch();
    RefreshGauges();
  }
}

void Scheduler::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    assigning_ = false;
    std::vector<std::pair<std::string, std::string>> held;  // job id, worker id
    for (const auto& [job_id, job] : active_) {
      if (job.record.state == JobState::kRunning) held.emplace_back(job_id, job.worker_id);
    }
    for (const auto& [job_id, worker_id] : held) {
      SendCancel(worker_id, job_id, "the server is shutting down");
      TakeBack(job_id, "the server shut down", /*count_attempt=*/false);
    }
    RefreshGauges();
  }
  Drain();
}

void Scheduler::WriteFailed(JournalEntry entry, const absl::Status& status) {
  const std::string job_id = entry.write->id;
  // Only a store that may recover is worth another try; a conflict (another state stored, no
  // such job) or a write it refuses for good (a corrupt row, a constraint) lets the store win.
  const bool transient = absl::IsUnavailable(status) || absl::IsAborted(status) ||
                         absl::IsDeadlineExceeded(status) || absl::IsResourceExhausted(status);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    store_backoff_ = std::clamp(store_backoff_ * 2, absl::Seconds(1), absl::Seconds(30));
    store_backoff_until_ = clock_->Now() + store_backoff_;
    if (entry.keep_trying && transient && ++entry.tries < kMaxWriteTries) {
      entry.result = nullptr;
      failed_writes_.push_back(std::move(entry));
      return;
    }
  }
  if (entry.keep_trying) {
    common::LogError(absl::StrCat("gave up storing job ", job_id, " as ",
                                  JobStateName(entry.write->state),
                                  "; the store keeps what it has"));
  }
  events_->Notify(job_id);
  // Memory went ahead of the store: bring it back to what the store holds.
  ReadBack(job_id);
}

void Scheduler::ReadBack(const std::string& job_id) {
  if (absl::StatusOr<JobRecord> stored = store_->Get(job_id); stored.ok()) {
    Reconcile(*stored);
  } else if (absl::IsNotFound(stored.status())) {
    Forget(job_id);
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    unread_jobs_.insert(job_id);
  }
}

void Scheduler::RetryFailedWrites() {
  std::set<std::string> unread;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (clock_->Now() < store_backoff_until_) return;
    if (failed_writes_.empty() && unread_jobs_.empty()) return;
    while (!failed_writes_.empty()) {
      journal_.push_back(std::move(failed_writes_.front()));
      failed_writes_.pop_front();
    }
    journal_grew_.notify_one();
    unread.swap(unread_jobs_);
  }
  for (const std::string& job_id : unread) ReadBack(job_id);
}

void Scheduler::Reconcile(const JobRecord& stored) {
  std::lock_guard<std::mutex> lock(mutex_);
  ForgetLocked(stored.id);
  switch (stored.state) {
    case JobState::kQueued:
      Enqueue(stored);
      break;
    case JobState::kRunning: {
      // Leased to the worker the store names, as after a restart: if it still runs the job, its
      // heartbeats renew the lease; if not, the lease lapses and the job is queued again.
      ActiveJob& job = active_[stored.id];
      job.record = stored;
      job.worker_id = stored.worker_id;
      job.lease_expiry = clock_->Now() + options_.lease;
      if (auto worker = workers_.find(stored.worker_id); worker != workers_.end()) {
        worker->second.jobs.insert(stored.id);
      }
      break;
    }
    default:
      break;  // final: nothing to schedule
  }
  RefreshGauges();  // assigning resumes at a Tick after the backoff
}

void Scheduler::Forget(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ForgetLocked(job_id);
  RefreshGauges();
}

void Scheduler::ForgetLocked(const std::string& job_id) {
  auto active = active_.find(job_id);
  if (active == active_.end()) return;
  const JobRecord& record = active->second.record;
  if (record.state == JobState::kRunning) {
    ReleaseJobSlot(active->second.worker_id, job_id);
  } else if (auto owner = queued_.find(record.owner);
             owner != queued_.end() && owner->second.erase({record.sequence, job_id}) > 0) {
    --queued_jobs_;
    if (owner->second.empty()) queued_.erase(owner);
  }
  active_.erase(active);
}

void Scheduler::Drain() {
  std::lock_guard<std::mutex> draining(drain_mutex_);
  while (true) {
    JournalEntry entry;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (journal_.empty()) return;
      entry = std::move(journal_.front());
      journal_.pop_front();
    }
    absl::Status status = absl::OkStatus();
    if (entry.write.has_value()) {
      status = store_->Update(*entry.write, entry.expected_state);
      if (!status.ok()) {
        common::LogError(absl::StrCat("storing job ", entry.write->id, " as ",
                                      JobStateName(entry.write->state), ": ", status.message()));
        if (entry.result != nullptr) *entry.result = status;
        WriteFailed(std::move(entry), status);
        continue;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      store_backoff_ = absl::ZeroDuration();
      store_backoff_until_ = absl::InfinitePast();
    }
    if (entry.result != nullptr) *entry.result = status;
    if (status.ok() && entry.then) entry.then();
    if (entry.write.has_value()) events_->Notify(entry.write->id);
  }
}

void Scheduler::JournalWrite(const JobRecord& job, JobState expected_state,
                             std::function<void()> then, absl::Status* result, bool keep_trying) {
  JournalEntry entry;
  entry.write = job;
  entry.expected_state = expected_state;
  entry.then = std::move(then);
  entry.result = result;
  entry.keep_trying = keep_trying;
  journal_.push_back(std::move(entry));
  journal_grew_.notify_one();
}

void Scheduler::JournalSend(std::function<void()> send) {
  JournalEntry entry;
  entry.then = std::move(send);
  journal_.push_back(std::move(entry));
  journal_grew_.notify_one();
}

void Scheduler::SendCancel(const std::string& worker_id, const std::string& job_id,
                           const std::string& reason) {
  auto worker = workers_.find(worker_id);
  if (worker == workers_.end()) return;
  JournalSend([link = worker->second.link, job_id, reason]() { link->Cancel(job_id, reason); });
}

void Scheduler::Dispatch() {
  if (clock_->Now() < store_backoff_until_) return;  // the store failed a write just now
  while (assigning_ && !queued_.empty()) {
    // Workers with a free job slot, the most free first.
    std::vector<std::pair<int, std::string>> candidates;  // (-free slots, id)
    for (const auto& [id, candidate] : workers_) {
      const int free = candidate.max_jobs - static_cast<int>(candidate.jobs.size());
      if (free > 0 && candidate.TakesWork()) candidates.emplace_back(-free, id);
    }
    std::sort(candidates.begin(), candidates.end());
    // For the first that can run one: the queued job it can run of the owner served longest
    // ago (ties to the oldest job). A worker that does not measure skips measurement jobs, and
    // one that does not run a job's method skips the job.
    WorkerState* worker = nullptr;
    std::string worker_id;
    std::string job_id;
    for (const auto& [ignored, id] : candidates) {
      WorkerState& candidate = workers_[id];
      std::tuple<int64_t, int64_t> best_key{0, 0};
      for (const auto& [owner, jobs] : queued_) {
        auto served = owner_last_served_.find(owner);
        const int64_t last = served == owner_last_served_.end() ? 0 : served->second;
        for (const auto& [sequence, queued_id] : jobs) {
          const JobRecord& queued = active_[queued_id].record;
          if (queued.analysis.has_value() && !candidate.measures) continue;
          if (!RunsMethod(candidate.methods, queued.params.method())) continue;
          // Not to a worker still winding down an earlier attempt of it (a lapsed lease): its
          // report of that attempt must not be taken for the new one.
          if (candidate.jobs.count(queued_id) != 0) continue;
          const std::tuple<int64_t, int64_t> key{last, sequence};
          if (job_id.empty() || key < best_key) {
            best_key = key;
            job_id = queued_id;
          }
          break;  // the owner's oldest job this worker can run
        }
      }
      if (!job_id.empty()) {
        worker = &candidate;
        worker_id = id;
        break;
      }
    }
    if (worker == nullptr) return;
    const JobRecord& chosen = active_[job_id].record;
    auto owner = queued_.find(chosen.owner);
    owner->second.erase({chosen.sequence, job_id});
    if (owner->second.empty()) queued_.erase(owner);
    --queued_jobs_;

    ActiveJob& active = active_[job_id];
    JobRecord& job = active.record;
    const absl::Time now = clock_->Now();
    job.state = JobState::kRunning;
    job.attempts += 1;
    job.worker_id = worker_id;
    job.frames_done = 0;
    job.frames_per_second = 0;
    if (job.start_time == absl::InfinitePast()) {
      job.start_time = now;
      metrics_->job_queue_wait.Observe(absl::ToDoubleSeconds(now - job.create_time));
    }
    active.worker_id = worker_id;
    // The lease runs from when the worker is told; this bound holds if it never is (the write
    // failed and the job could not be read back).
    active.lease_expiry = now + 2 * options_.lease;

    owner_last_served_[job.owner] = ++assignments_;
    worker->jobs.insert(job_id);
    JobAssignment assignment{job, options_.lease, options_.max_frames};
    JournalWrite(job, JobState::kQueued, [this, link = worker->link, assignment, worker_id]() {
      link->Assign(assignment);
      StartLease(assignment.job.id, worker_id, assignment.job.attempts);
      common::LogInfo(absl::StrCat("job ", assignment.job.id, " of ", assignment.job.owner,
                                   " assigned to ", worker_id, " (attempt ",
                                   assignment.job.attempts, ")"));
    });
    RefreshGauges();
  }
}

void Scheduler::StartLease(const std::string& job_id, const std::string& worker_id,
                           int attempt) {
  std::lock_guard<std::mutex> lock(mutex_);
  ActiveJob* job = LeasedBy(worker_id, job_id);
  if (job != nullptr && job->record.attempts == attempt) {
    job->lease_expiry = clock_->Now() + options_.lease;
  }
}

void Scheduler::Enqueue(JobRecord job) {
  queued_[job.owner].emplace(job.sequence, job.id);
  ++queued_jobs_;
  const std::string id = job.id;
  active_[id] = ActiveJob{};
  active_[id].record = std::move(job);
}

void Scheduler::TakeBack(const std::string& job_id, const std::string& reason, bool count_attempt) {
  auto active = active_.find(job_id);
  if (active == active_.end() || active->second.record.state != JobState::kRunning) return;
  JobRecord job = active->second.record;
  if (!count_attempt) job.attempts = std::max(0, job.attempts - 1);
  if (count_attempt && job.attempts >= options_.max_attempts) {
    Finish(job_id, JobState::kFailed,
           absl::StrCat("gave up after ", options_.max_attempts, " attempts; last: ", reason),
           Origin::kDecision);
    return;
  }
  job.state = JobState::kQueued;
  job.worker_id.clear();
  job.frames_done = 0;
  job.frames_per_second = 0;
  job.result_path.clear();
  job.result_size_bytes = 0;
  job.result_sha256.clear();
  Enqueue(job);  // the next attempt starts over
  JournalWrite(job, JobState::kRunning, [job_id, reason]() {
    common::LogInfo(absl::StrCat("job ", job_id, " queued again: ", reason));
  });
  RefreshGauges();
}

JobRecord Scheduler::Finish(const std::string& job_id, JobState state, const std::string& reason,
                            Origin origin, absl::Status* result,
                            std::function<void()> once_stored) {
  auto active = active_.find(job_id);
  JobRecord job = active->second.record;
  const JobState was = job.state;
  const absl::Time now = clock_->Now();
  if (was == JobState::kRunning) {
    // The frames done as last reported, unless the job's own count is higher.
    job.frames_done = std::max(job.frames_done, active->second.frames_done);
    if (active->second.frames_total > 0) job.frames_total = active->second.frames_total;
  } else {
    auto owner = queued_.find(job.owner);
    if (owner != queued_.end() && owner->second.erase({job.sequence, job.id}) > 0) {
      --queued_jobs_;
      if (owner->second.empty()) queued_.erase(owner);
    }
  }
  active_.erase(active);
  job.state = state;
  job.end_time = now;
  job.failure_reason = reason;
  job.worker_id.clear();
  job.frames_per_second = 0;
  JournalWrite(job, was, [metrics = metrics_, job, now, once_stored = std::move(once_stored)]() {
    if (once_stored) once_stored();
    if (job.start_time != absl::InfinitePast()) {
      metrics->job_duration.Observe(absl::ToDoubleSeconds(now - job.start_time));
    }
    switch (job.state) {
      case JobState::kSucceeded:
        metrics->jobs_succeeded.Increment();
        break;
      case JobState::kFailed:
        metrics->jobs_failed.Increment();
        break;
      default:
        metrics->jobs_cancelled.Increment();
        break;
    }
    common::LogInfo(absl::StrCat("job ", job.id, " ", JobStateName(job.state),
                                 job.failure_reason.empty() ? "" : ": ", job.failure_reason));
  }, result, origin == Origin::kReported);
  RefreshGauges();
  return job;
}

void Scheduler::ReleaseJobSlot(const std::string& worker_id, const std::string& job_id) {
  auto worker = workers_.find(worker_id);
  if (worker != workers_.end()) worker->second.jobs.erase(job_id);
}

Scheduler::ActiveJob* Scheduler::LeasedBy(const std::string& worker_id,
                                          const std::string& job_id) {
  auto active = active_.find(job_id);
  if (active == active_.end() || active->second.record.state != JobState::kRunning ||
      active->second.worker_id != worker_id) {
    return nullptr;
  }
  return &active->second;
}

void Scheduler::RefreshGauges() {
  metrics_->queue_depth.Set(static_cast<double>(queued_jobs_));
  metrics_->jobs_running.Set(static_cast<double>(active_.size()) -
                             static_cast<double>(queued_jobs_));
}

}  // namespace vmm::server
