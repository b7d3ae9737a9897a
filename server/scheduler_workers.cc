// Scheduler's dealings with workers as such: registration, disconnection, heartbeats and
// live slots. The rest of the scheduler (jobs, leases, dispatch) is in scheduler.cc.
#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "server/scheduler.h"

namespace vmm::server {

std::string Scheduler::RegisterWorker(const WorkerRegistration& registration,
                                      std::shared_ptr<WorkerLink> link) {
  std::string worker_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string name = registration.name.empty() ? "worker" : registration.name;
    worker_id = absl::StrCat(name, "#", ++next_worker_number_);
    WorkerState& worker = workers_[worker_id];
    worker.name = name;
    worker.device = registration.device;
    worker.max_jobs = std::max(1, registration.max_jobs);
    worker.max_live_sessions = std::max(0, registration.max_live_sessions);
    worker.measures = registration.measures;
    worker.methods = registration.methods;
    worker.link = std::move(link);
    worker.last_heartbeat = clock_->Now();
    metrics_->workers_connected.Set(static_cast<double>(workers_.size()));
    common::LogInfo(absl::StrCat("worker ", worker_id, " registered (device ", worker.device,
                                 ", ", worker.max_jobs, " job slots, ", worker.max_live_sessions,
                                 " live slots)"));
    WorkerTerms terms;
    terms.worker_id = worker_id;
    terms.heartbeat_interval = options_.heartbeat_interval;
    terms.lease = options_.lease;
    terms.max_frames = options_.max_frames;
    terms.max_frame_width = options_.max_frame_width;
    terms.max_frame_height = options_.max_frame_height;
    // Journalled before any assignment, so it reaches the worker first.
    JournalSend([link = worker.link, terms]() { link->Registered(terms); });
    Dispatch();
  }
  return worker_id;
}

void Scheduler::WorkerDisconnected(const std::string& worker_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = workers_.find(worker_id);
    if (found == workers_.end()) return;
    std::vector<std::string> held;
    for (const auto& [job_id, job] : active_) {
      if (job.record.state == JobState::kRunning && job.worker_id == worker_id) {
        held.push_back(job_id);
      }
    }
    for (const std::string& job_id : held) {
      TakeBack(job_id, absl::StrCat("worker ", worker_id, " disconnected"), assigning_);
    }
    workers_.erase(found);
    metrics_->workers_connected.Set(static_cast<double>(workers_.size()));
    common::LogInfo(
        absl::StrCat("worker ", worker_id, " disconnected; ", held.size(), " job(s) taken back"));
    Dispatch();
  }
}

void Scheduler::Heartbeat(const std::string& worker_id, const WorkerHeartbeat& heartbeat) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto worker = workers_.find(worker_id);
    if (worker == workers_.end()) return;
    const absl::Time now = clock_->Now();
    worker->second.last_heartbeat = now;
    // A draining worker is offered nothing more: what it hands back goes to another.
    if (heartbeat.draining) worker->second.draining = true;
    const std::set<std::string> listed(heartbeat.job_ids.begin(), heartbeat.job_ids.end());
    for (const std::string& job_id : listed) {
      if (ActiveJob* job = LeasedBy(worker_id, job_id); job != nullptr) {
        job->lease_expiry = now + options_.lease;
        continue;
      }
      SendCancel(worker_id, job_id, "the job is no longer assigned to this worker");
    }
    // Slots of jobs without a lease (cancelled) free up once the worker stops listing them.
    std::vector<std::string> freed;
    for (const std::string& job_id : worker->second.jobs) {
      if (listed.count(job_id) == 0 && LeasedBy(worker_id, job_id) == nullptr) {
        freed.push_back(job_id);
      }
    }
    for (const std::string& job_id : freed) worker->second.jobs.erase(job_id);
    if (!freed.empty()) Dispatch();
  }
}

absl::StatusOr<LiveWorker> Scheduler::ReserveLiveSlot(const std::string& session_id,
                                                       int method) {
  std::lock_guard<std::mutex> lock(mutex_);
  WorkerState* best = nullptr;
  LiveWorker chosen;
  int running_method = 0;
  for (auto& [worker_id, worker] : workers_) {
    if (!RunsMethod(worker.methods, method)) continue;
    ++running_method;
    const int free = worker.max_live_sessions - static_cast<int>(worker.live_sessions.size());
    if (free <= 0 || !worker.TakesWork()) continue;
    if (best == nullptr ||
        free > best->max_live_sessions - static_cast<int>(best->live_sessions.size())) {
      best = &worker;
      chosen.worker_id = worker_id;
    }
  }
  if (best == nullptr) {
    const std::string method_name = vmm::v1::Method_Name(
        method == vmm::v1::METHOD_UNSPECIFIED ? vmm::v1::METHOD_LEARNED
                                              : static_cast<vmm::v1::Method>(method));
    return absl::UnavailableError(absl::StrCat(
        "no worker has a free live slot for ", method_name, " (", running_method, " of ",
        workers_.size(), " connected workers run it); retry later"));
  }
  best->live_sessions.insert(session_id);
  chosen.worker_name = best->name;
  chosen.device = best->device;
  return chosen;
}

absl::Status Scheduler::StartLiveSession(const std::string& worker_id,
                                         const LiveAssignment& assignment) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto worker = workers_.find(worker_id);
  if (worker == workers_.end() || !worker->second.TakesWork() ||
      worker->second.live_sessions.count(assignment.session_id) == 0) {
    return absl::UnavailableError(absl::StrCat("worker ", worker_id,
                                               " left before the live session started; retry"));
  }
  JournalSend([link = worker->second.link, assignment]() { link->AssignLive(assignment); });
  return absl::OkStatus();
}

void Scheduler::ReleaseLiveSlot(const std::string& worker_id, const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto worker = workers_.find(worker_id);
  if (worker != workers_.end()) worker->second.live_sessions.erase(session_id);
}

}  // namespace vmm::server
