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

std::string Scheduler::RegisterWorker(const vmm::v1::Register& request, WorkerSink sink,
                                      std::function<void()> disconnect) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string name = request.worker_name().empty() ? "worker" : request.worker_name();
  const std::string worker_id = absl::StrCat(name, "#", ++next_worker_number_);
  WorkerState& worker = workers_[worker_id];
  worker.name = name;
  worker.device = request.device();
  worker.max_jobs = std::max(1, request.max_jobs());
  worker.max_live_sessions = std::max(0, request.max_live_sessions());
  worker.sink = std::move(sink);
  worker.disconnect = std::move(disconnect);
  worker.last_heartbeat = clock_->Now();
  metrics_->workers_connected.Set(static_cast<double>(workers_.size()));
  common::LogInfo(absl::StrCat("worker ", worker_id, " registered (device ", worker.device, ", ",
                               worker.max_jobs, " job slots, ", worker.max_live_sessions,
                               " live slots)"));
  vmm::v1::ServerMessage message;
  vmm::v1::Registered* registered = message.mutable_registered();
  registered->set_worker_id(worker_id);
  registered->set_heartbeat_interval_seconds(absl::ToDoubleSeconds(options_.heartbeat_interval));
  registered->set_lease_seconds(absl::ToDoubleSeconds(options_.lease));
  registered->set_max_frames(options_.max_frames);
  registered->set_max_frame_width(options_.max_frame_width);
  registered->set_max_frame_height(options_.max_frame_height);
  worker.sink(message);  // under the lock, so it precedes every assignment
  Dispatch();
  return worker_id;
}

void Scheduler::WorkerDisconnected(const std::string& worker_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = workers_.find(worker_id);
  if (found == workers_.end()) return;
  std::vector<std::string> held;
  for (const auto& [job_id, lease] : leases_) {
    if (lease.worker_id == worker_id) held.push_back(job_id);
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

void Scheduler::Heartbeat(const std::string& worker_id, const vmm::v1::Heartbeat& heartbeat) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto worker = workers_.find(worker_id);
  if (worker == workers_.end()) return;
  const absl::Time now = clock_->Now();
  worker->second.last_heartbeat = now;
  // A draining worker is offered nothing more: what it hands back goes to another.
  if (heartbeat.draining()) worker->second.disconnecting = true;
  std::set<std::string> listed(heartbeat.job_ids().begin(), heartbeat.job_ids().end());
  for (const std::string& job_id : listed) {
    auto lease = leases_.find(job_id);
    if (lease != leases_.end() && lease->second.worker_id == worker_id) {
      lease->second.expiry = now + options_.lease;
      continue;
    }
    vmm::v1::ServerMessage message;
    message.mutable_cancel()->set_job_id(job_id);
    message.mutable_cancel()->set_reason("the job is no longer assigned to this worker");
    worker->second.sink(message);
  }
  // Slots of jobs without a lease (cancelled) free up once the worker stops listing them.
  std::vector<std::string> freed;
  for (const std::string& job_id : worker->second.jobs) {
    if (listed.count(job_id) == 0 && leases_.count(job_id) == 0) freed.push_back(job_id);
  }
  for (const std::string& job_id : freed) worker->second.jobs.erase(job_id);
  if (!freed.empty()) Dispatch();
}

absl::StatusOr<LiveWorker> Scheduler::ReserveLiveSlot(const std::string& session_id,
                                                      const vmm::v1::LiveConfig& config,
                                                      int max_frames_in_flight) {
  std::lock_guard<std::mutex> lock(mutex_);
  WorkerState* best = nullptr;
  std::string best_id;
  for (auto& [worker_id, worker] : workers_) {
    const int free = worker.max_live_sessions - static_cast<int>(worker.live_sessions.size());
    if (free <= 0 || worker.disconnecting) continue;
    if (best == nullptr ||
        free > best->max_live_sessions - static_cast<int>(best->live_sessions.size())) {
      best = &worker;
      best_id = worker_id;
    }
  }
  if (best == nullptr) {
    return absl::UnavailableError(absl::StrCat("no worker has a free live slot (", workers_.size(),
                                               " workers connected); retry later"));
  }
  best->live_sessions.insert(session_id);
  vmm::v1::ServerMessage message;
  vmm::v1::LiveAssignment* assignment = message.mutable_live_assignment();
  assignment->set_session_id(session_id);
  *assignment->mutable_config() = config;
  assignment->set_max_frames_in_flight(max_frames_in_flight);
  best->sink(message);
  return LiveWorker{best_id, best->name, best->device};
}

void Scheduler::ReleaseLiveSlot(const std::string& worker_id, const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto worker = workers_.find(worker_id);
  if (worker != workers_.end()) worker->second.live_sessions.erase(session_id);
}

}  // namespace vmm::server
