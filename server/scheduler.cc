#include "server/scheduler.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/sha256.h"

namespace vmm::server {

Scheduler::Scheduler(JobStore* store, Clock* clock, JobEvents* events, ServerMetrics* metrics,
                     SchedulerOptions options)
    : store_(store), clock_(clock), events_(events), metrics_(metrics), options_(options) {}

absl::Status Scheduler::RecoverAfterRestart() {
  std::lock_guard<std::mutex> lock(mutex_);
  JobQuery query;
  query.state = JobState::kRunning;
  query.limit = 500;
  while (true) {
    absl::StatusOr<JobPage> page = store_->List(query);
    if (!page.ok()) return page.status();
    for (const JobRecord& job : page->jobs) {
      TakeBack(job.id, "the server restarted while it ran", /*count_attempt=*/true);
    }
    if (page->next_before_sequence == 0) break;
    query.before_sequence = page->next_before_sequence;
  }
  RefreshGauges();
  return absl::OkStatus();
}

void Scheduler::ReportProgress(const std::string& worker_id, const vmm::v1::Progress& progress) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto lease = leases_.find(progress.job_id());
  if (lease == leases_.end() || lease->second.worker_id != worker_id) return;
  const absl::Time now = clock_->Now();
  lease->second.expiry = now + options_.lease;
  if (progress.frames_done() > lease->second.frames_reported) {
    metrics_->frames_processed.Increment(
        static_cast<double>(progress.frames_done() - lease->second.frames_reported));
    lease->second.frames_reported = progress.frames_done();
  }
  Progress& latest = progress_[progress.job_id()];
  latest.frames_done = progress.frames_done();
  latest.frames_total = progress.frames_total();
  latest.frames_per_second = progress.frames_per_second();
  // Watchers hear of progress at most once a second per job (and always when complete).
  const bool complete =
      progress.frames_total() > 0 && progress.frames_done() >= progress.frames_total();
  if (!complete && now - lease->second.last_progress_notify < absl::Seconds(1)) return;
  lease->second.last_progress_notify = now;
  events_->Notify(progress.job_id());
}

void Scheduler::OverlayProgress(JobRecord* job) {
  if (job->state != JobState::kRunning) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto latest = progress_.find(job->id);
  if (latest == progress_.end()) return;
  job->frames_done = latest->second.frames_done;
  if (latest->second.frames_total > 0) job->frames_total = latest->second.frames_total;
  job->frames_per_second = latest->second.frames_per_second;
}

void Scheduler::FinishJob(const std::string& worker_id, const vmm::v1::JobFinished& finished) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string& job_id = finished.job_id();
  auto lease = leases_.find(job_id);
  if (lease == leases_.end() || lease->second.worker_id != worker_id) {
    // A cancelled job's acknowledgement, or a stale report: only the slot matters.
    ReleaseJobSlot(worker_id, job_id);
    Dispatch();
    return;
  }
  switch (finished.outcome_case()) {
    case vmm::v1::JobFinished::kSucceeded: {
      absl::StatusOr<JobRecord> job = store_->Get(job_id);
      if (!job.ok()) break;
      const vmm::v1::JobSucceeded& success = finished.succeeded();
      if (job->result_path.empty() || job->result_size_bytes != success.result_size_bytes() ||
          job->result_sha256 != common::NormalizeHex(success.result_sha256())) {
        leases_.erase(lease);
        Finish(*std::move(job), JobState::kFailed,
               "the worker reported success but its result was not uploaded intact");
        break;
      }
      if (success.frames_processed() > 0) job->frames_done = success.frames_processed();
      leases_.erase(lease);
      Finish(*std::move(job), JobState::kSucceeded, "");
      break;
    }
    case vmm::v1::JobFinished::kFailed: {
      const vmm::v1::JobFailed& failure = finished.failed();
      const std::string reason =
          failure.reason().empty() ? "the worker gave no reason" : failure.reason();
      if (failure.retryable()) {
        TakeBack(job_id, reason, /*count_attempt=*/true);
        break;
      }
      absl::StatusOr<JobRecord> job = store_->Get(job_id);
      leases_.erase(lease);
      if (job.ok()) Finish(*std::move(job), JobState::kFailed, reason);
      break;
    }
    case vmm::v1::JobFinished::kHandedBack:
    case vmm::v1::JobFinished::kCancelled:
    case vmm::v1::JobFinished::OUTCOME_NOT_SET:
      TakeBack(
          job_id,
          absl::StrCat("handed back by worker ", worker_id, ": ", finished.handed_back().reason()),
          /*count_attempt=*/false);
      break;
  }
  leases_.erase(job_id);
  ReleaseJobSlot(worker_id, job_id);
  Dispatch();
}

absl::StatusOr<JobRecord> Scheduler::CheckLease(const std::string& worker_id,
                                                const std::string& job_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto lease = leases_.find(job_id);
    if (lease == leases_.end() || lease->second.worker_id != worker_id) {
      return absl::FailedPreconditionError(
          absl::StrCat("job ", job_id, " is not assigned to worker ", worker_id, "; drop it"));
    }
  }
  return store_->Get(job_id);
}

absl::Status Scheduler::RecordResult(const std::string& worker_id, const std::string& job_id,
                                     const std::string& path, int64_t size_bytes,
                                     const std::string& sha256) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto lease = leases_.find(job_id);
  if (lease == leases_.end() || lease->second.worker_id != worker_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "job ", job_id, " is no longer assigned to worker ", worker_id, "; result dropped"));
  }
  absl::StatusOr<JobRecord> job = store_->Get(job_id);
  if (!job.ok()) return job.status();
  job->result_path = path;
  job->result_size_bytes = size_bytes;
  job->result_sha256 = common::NormalizeHex(sha256);
  return store_->Update(*job, JobState::kRunning);
}

void Scheduler::JobQueued() {
  std::lock_guard<std::mutex> lock(mutex_);
  Dispatch();
  RefreshGauges();
}

absl::StatusOr<JobRecord> Scheduler::CancelJob(const std::string& job_id,
                                               const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<JobRecord> job = store_->Get(job_id);
  if (!job.ok()) return job.status();
  if (job->state == JobState::kCancelled) return job;
  if (IsFinal(job->state)) {
    return absl::FailedPreconditionError(
        absl::StrCat("job \"jobs/", job_id, "\" already ", JobStateName(job->state),
                     "; only queued or running jobs can be cancelled"));
  }
  const JobState was = job->state;
  auto lease = leases_.find(job_id);
  if (was == JobState::kRunning && lease != leases_.end()) {
    auto worker = workers_.find(lease->second.worker_id);
    if (worker != workers_.end()) {
      vmm::v1::ServerMessage message;
      message.mutable_cancel()->set_job_id(job_id);
      message.mutable_cancel()->set_reason(reason);
      worker->second.sink(message);
    }
    leases_.erase(lease);  // the worker's slot stays taken until it acknowledges
  }
  if (was == JobState::kQueued) {
    job->state = JobState::kCancelled;
    job->end_time = clock_->Now();
    job->failure_reason = reason;
    if (absl::Status status = store_->Update(*job, was); !status.ok()) return status;
    metrics_->jobs_cancelled.Increment();
    events_->Notify(job_id);
    RefreshGauges();
    return job;
  }
  Finish(*job, JobState::kCancelled, reason);
  return store_->Get(job_id);
}

void Scheduler::Tick() {
  std::lock_guard<std::mutex> lock(mutex_);
  const absl::Time now = clock_->Now();
  std::vector<std::pair<std::string, std::string>> lapsed;  // job id, worker id
  for (const auto& [job_id, lease] : leases_) {
    if (lease.expiry <= now) lapsed.emplace_back(job_id, lease.worker_id);
  }
  for (const auto& [job_id, worker_id] : lapsed) {
    auto worker = workers_.find(worker_id);
    if (worker != workers_.end()) {
      vmm::v1::ServerMessage message;
      message.mutable_cancel()->set_job_id(job_id);
      message.mutable_cancel()->set_reason("lease lapsed");
      worker->second.sink(message);
    }
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
      if (worker.disconnect) worker.disconnect();
    }
  }
  Dispatch();
  RefreshGauges();
}

void Scheduler::Shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  assigning_ = false;
  std::vector<std::pair<std::string, std::string>> held;
  for (const auto& [job_id, lease] : leases_) held.emplace_back(job_id, lease.worker_id);
  for (const auto& [job_id, worker_id] : held) {
    auto worker = workers_.find(worker_id);
    if (worker != workers_.end()) {
      vmm::v1::ServerMessage message;
      message.mutable_cancel()->set_job_id(job_id);
      message.mutable_cancel()->set_reason("the server is shutting down");
      worker->second.sink(message);
    }
    TakeBack(job_id, "the server shut down", /*count_attempt=*/false);
  }
  RefreshGauges();
}

void Scheduler::Dispatch() {
  while (assigning_) {
    // The worker with the most free job slots.
    WorkerState* worker = nullptr;
    std::string worker_id;
    int most_free = 0;
    for (auto& [id, candidate] : workers_) {
      const int free = candidate.max_jobs - static_cast<int>(candidate.jobs.size());
      if (free > most_free && !candidate.disconnecting) {
        most_free = free;
        worker = &candidate;
        worker_id = id;
      }
    }
    if (worker == nullptr) return;
    absl::StatusOr<std::vector<OwnerQueueHead>> heads = store_->QueueHeads();
    if (!heads.ok()) {
      common::LogError(absl::StrCat("reading the queue: ", heads.status().message()));
      return;
    }
    if (heads->empty()) return;
    auto served = [&](const OwnerQueueHead& head) {
      auto found = owner_last_served_.find(head.owner);
      return std::make_tuple(found == owner_last_served_.end() ? 0 : found->second, head.sequence);
    };
    const OwnerQueueHead& next = *std::min_element(
        heads->begin(), heads->end(),
        [&](const OwnerQueueHead& a, const OwnerQueueHead& b) { return served(a) < served(b); });
    absl::StatusOr<JobRecord> job = store_->Get(next.job_id);
    if (!job.ok()) return;
    const absl::Time now = clock_->Now();
    job->state = JobState::kRunning;
    job->attempts += 1;
    job->worker_id = worker_id;
    job->frames_done = 0;
    job->frames_per_second = 0;
    if (job->start_time == absl::InfinitePast()) {
      job->start_time = now;
      metrics_->job_queue_wait.Observe(absl::ToDoubleSeconds(now - job->create_time));
    }
    if (absl::Status status = store_->Update(*job, JobState::kQueued); !status.ok()) {
      common::LogError(absl::StrCat("assigning a job: ", status.message()));
      return;
    }
    owner_last_served_[job->owner] = ++assignments_;
    leases_[job->id] = Lease{worker_id, now + options_.lease};
    worker->jobs.insert(job->id);
    vmm::v1::ServerMessage message;
    vmm::v1::Assignment* assignment = message.mutable_assignment();
    assignment->set_job_id(job->id);
    *assignment->mutable_params() = job->params;
    assignment->set_output_format(job->output_format);
    assignment->set_input_filename(job->input_filename);
    assignment->set_input_size_bytes(job->input_size_bytes);
    assignment->set_input_sha256(job->input_sha256);
    assignment->set_lease_seconds(absl::ToDoubleSeconds(options_.lease));
    assignment->set_max_frames(options_.max_frames);
    assignment->set_attempt(job->attempts);
    worker->sink(message);
    events_->Notify(job->id);
    common::LogInfo(absl::StrCat("job ", job->id, " of ", job->owner, " assigned to ", worker_id,
                                 " (attempt ", job->attempts, ")"));
    RefreshGauges();
  }
}

void Scheduler::TakeBack(const std::string& job_id, const std::string& reason, bool count_attempt) {
  auto lease = leases_.find(job_id);
  if (lease != leases_.end()) {
    ReleaseJobSlot(lease->second.worker_id, job_id);
    leases_.erase(lease);
  }
  progress_.erase(job_id);  // the next attempt starts over
  absl::StatusOr<JobRecord> job = store_->Get(job_id);
  if (!job.ok() || job->state != JobState::kRunning) return;
  if (!count_attempt) job->attempts = std::max(0, job->attempts - 1);
  if (count_attempt && job->attempts >= options_.max_attempts) {
    Finish(*std::move(job), JobState::kFailed,
           absl::StrCat("gave up after ", options_.max_attempts, " attempts; last: ", reason));
    return;
  }
  job->state = JobState::kQueued;
  job->worker_id.clear();
  job->frames_done = 0;
  job->frames_per_second = 0;
  job->result_path.clear();
  job->result_size_bytes = 0;
  job->result_sha256.clear();
  if (absl::Status status = store_->Update(*job, JobState::kRunning); !status.ok()) {
    common::LogError(absl::StrCat("requeueing job ", job_id, ": ", status.message()));
    return;
  }
  common::LogInfo(absl::StrCat("job ", job_id, " queued again: ", reason));
  events_->Notify(job_id);
  RefreshGauges();
}

void Scheduler::Finish(JobRecord job, JobState state, const std::string& reason) {
  const JobState was = job.state;
  const absl::Time now = clock_->Now();
  if (auto latest = progress_.find(job.id); latest != progress_.end()) {
    // The frames done as last reported (a success's own count, set by the caller, stands).
    job.frames_done = std::max(job.frames_done, latest->second.frames_done);
    if (latest->second.frames_total > 0) job.frames_total = latest->second.frames_total;
    progress_.erase(latest);
  }
  job.state = state;
  job.end_time = now;
  job.failure_reason = reason;
  job.worker_id.clear();
  job.frames_per_second = 0;
  if (absl::Status status = store_->Update(job, was); !status.ok()) {
    common::LogError(absl::StrCat("finishing job ", job.id, ": ", status.message()));
    return;
  }
  if (job.start_time != absl::InfinitePast()) {
    metrics_->job_duration.Observe(absl::ToDoubleSeconds(now - job.start_time));
  }
  switch (state) {
    case JobState::kSucceeded:
      metrics_->jobs_succeeded.Increment();
      break;
    case JobState::kFailed:
      metrics_->jobs_failed.Increment();
      break;
    default:
      metrics_->jobs_cancelled.Increment();
      break;
  }
  common::LogInfo(
      absl::StrCat("job ", job.id, " ", JobStateName(state), reason.empty() ? "" : ": ", reason));
  events_->Notify(job.id);
  RefreshGauges();
}

void Scheduler::ReleaseJobSlot(const std::string& worker_id, const std::string& job_id) {
  auto worker = workers_.find(worker_id);
  if (worker != workers_.end()) worker->second.jobs.erase(job_id);
}

void Scheduler::RefreshGauges() {
  absl::StatusOr<std::map<JobState, int64_t>> counts = store_->CountByState();
  if (!counts.ok()) return;
  auto count = [&](JobState state) {
    auto found = counts->find(state);
    return found == counts->end() ? 0.0 : static_cast<double>(found->second);
  };
  metrics_->queue_depth.Set(count(JobState::kQueued));
  metrics_->jobs_running.Set(count(JobState::kRunning));
}

}  // namespace vmm::server
