#include "worker/control_session.h"

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/rpc/status_conversion.h"
#include "worker/job_runner.h"
#include "worker/live_session.h"
#include "worker/server_channel.h"

namespace vmm::worker {
namespace {

using Clock = std::chrono::steady_clock;

// How often the supervisor wakes to reap tasks and watch for shutdown.
constexpr std::chrono::milliseconds kSupervisorTick(100);
// How long a closing session waits for the server to end the stream before cancelling it.
constexpr std::chrono::seconds kCloseWait(5);

std::chrono::milliseconds Seconds(double seconds, double fallback) {
  if (!(seconds > 0)) seconds = fallback;
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

ControlSession::ControlSession(std::shared_ptr<grpc::Channel> channel, const WorkerContext& worker)
    : stub_(vmm::v1::WorkerService::NewStub(channel)), worker_(worker) {}

ControlSession::~ControlSession() {
  StopAllTasks(StopReason::kDisconnected);
  JoinAllTasks();
}

bool ControlSession::Send(const vmm::v1::WorkerMessage& message) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (writes_closed_ || stream_ == nullptr) return false;
  return stream_->Write(message);
}

absl::Status ControlSession::Run(bool* registered) {
  const WorkerOptions& options = *worker_.options;
  PrepareContext(context_, options.token);
  stream_ = stub_->Connect(&context_);
  vmm::v1::WorkerMessage hello;
  vmm::v1::Register* reg = hello.mutable_register_();
  reg->set_worker_name(options.name);
  reg->set_device(worker_.device_name);
  reg->set_batch_size(options.batch_size);
  reg->set_max_jobs(1);
  reg->set_max_live_sessions(worker_.max_live_sessions);
  reg->set_measures(true);  // runs measurement jobs (JobRunner::Measure)
  // Every method the pipeline makes (pipeline/frame_magnifier_factory.h).
  for (vmm::v1::Method method : {vmm::v1::METHOD_LEARNED, vmm::v1::METHOD_PHASE,
                                 vmm::v1::METHOD_RIESZ, vmm::v1::METHOD_LINEAR}) {
    reg->add_methods(method);
  }
  reg->set_version(VMM_VERSION);
  vmm::v1::ServerMessage reply;
  const bool sent = Send(hello);
  const bool replied = sent && stream_->Read(&reply);
  if (!replied || !reply.has_registered()) {
    if (replied) context_.TryCancel();  // else the stream has already ended with its status
    const grpc::Status status = stream_->Finish();
    if (!status.ok()) return common::FromGrpcStatus(status, "registering with the server");
    return absl::UnavailableError("registering with the server: no Registered reply");
  }
  registered_ = reply.registered();
  *registered = true;
  common::LogInfo(absl::StrCat("registered with ", options.server, " as ", registered_.worker_id(),
                               " on ", worker_.device_name));

  const WorkerIdentity identity{registered_.worker_id(), options.token};
  JobRunnerConfig config;
  config.work_dir = options.work_dir;
  config.batch_size = options.batch_size;
  config.max_frame_width = registered_.max_frame_width();
  config.max_frame_height = registered_.max_frame_height();
  job_runner_ = std::make_unique<JobRunner>(
      *stub_, identity, config, *worker_.model, *worker_.metrics,
      [this](const vmm::v1::WorkerMessage& message) { return Send(message); });
  live_runner_ =
      std::make_unique<LiveSessionRunner>(*stub_, identity, *worker_.model, *worker_.metrics,
                                          worker_.options->live_classic_threads);

  std::thread supervisor([this] { Supervise(); });
  vmm::v1::ServerMessage message;
  while (stream_->Read(&message)) Dispatch(message);
  bool closing = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stream_over_ = true;
    closing = closing_;
  }
  changed_.notify_all();
  supervisor.join();
  if (!closing) StopAllTasks(StopReason::kDisconnected);
  JoinAllTasks();
  {
    std::lock_guard<std::mutex> lock(write_mutex_);
    writes_closed_ = true;
  }
  const grpc::Status status = stream_->Finish();
  if (closing && job_runner_->work_folder_unusable()) {
    return absl::UnavailableError("the work folder is unusable");
  }
  if (closing) return absl::OkStatus();
  if (status.ok()) return absl::UnavailableError("the server closed the control stream");
  return common::FromGrpcStatus(status, "control stream");
}

void ControlSession::Dispatch(const vmm::v1::ServerMessage& message) {
  switch (message.content_case()) {
    case vmm::v1::ServerMessage::kAssignment:
      StartJob(message.assignment());
      break;
    case vmm::v1::ServerMessage::kLiveAssignment:
      StartLive(message.live_assignment());
      break;
    case vmm::v1::ServerMessage::kCancel: {
      std::lock_guard<std::mutex> lock(mutex_);
      auto task = tasks_.find(message.cancel().job_id());
      if (task != tasks_.end()) {
        common::LogInfo(absl::StrCat("cancelling job ", message.cancel().job_id(), ": ",
                                     message.cancel().reason()));
        task->second->control.RequestStop(StopReason::kCancelled);
      }
      break;
    }
    default:
      break;
  }
}

void ControlSession::HandBackNow(const std::string& job_id, const std::string& reason) {
  vmm::v1::WorkerMessage message;
  message.mutable_job_finished()->set_job_id(job_id);
  message.mutable_job_finished()->mutable_handed_back()->set_reason(reason);
  Send(message);
}

void ControlSession::StartJob(const vmm::v1::Assignment& assignment) {
  ReapFinishedTasks();  // a job that just reported JobFinished no longer holds the slot
  std::lock_guard<std::mutex> lock(mutex_);
  size_t jobs = 0;
  for (const auto& [id, task] : tasks_) jobs += task->is_live ? 0 : 1;
  if (draining_ || jobs >= 1 || tasks_.count(assignment.job_id()) > 0) {
    HandBackNow(assignment.job_id(),
                draining_ ? "worker shutting down" : "worker has no free job slot");
    return;
  }
  common::LogInfo(absl::StrCat("running job ", assignment.job_id(), " (attempt ",
                               assignment.attempt(), ", ", assignment.input_size_bytes(),
                               " bytes)"));
  auto task = std::make_unique<Task>();
  Task* raw = task.get();
  task->thread = std::thread([this, raw, assignment] {
    const std::optional<vmm::v1::JobFinished> finished = job_runner_->Run(assignment, raw->control);
    // The slot is free before the server hears of it, so its next assignment finds it free.
    raw->done = true;
    changed_.notify_all();
    if (!finished.has_value()) {
      common::LogInfo(absl::StrCat("job ", assignment.job_id(), " stopped: disconnected"));
      return;
    }
    if (finished->has_failed()) {
      common::LogWarning(
          absl::StrCat("job ", assignment.job_id(), " failed: ", finished->failed().reason()));
    } else {
      common::LogInfo(absl::StrCat("job ", assignment.job_id(), " ended (",
                                   finished->has_succeeded()   ? "succeeded"
                                   : finished->has_cancelled() ? "cancelled"
                                                               : "handed back",
                                   ")"));
    }
    if (job_runner_->work_folder_unusable()) {
      // Told before the hand-back, so that the server does not offer the job straight back;
      // the supervisor then drains the session and closes it cleanly, and the reconnect loop
      // takes no jobs until the folder works again.
      {
        std::lock_guard<std::mutex> lock(mutex_);
        draining_ = true;
      }
      vmm::v1::WorkerMessage draining;
      draining.mutable_heartbeat()->set_draining(true);
      Send(draining);
      changed_.notify_all();
    }
    vmm::v1::WorkerMessage message;
    *message.mutable_job_finished() = *finished;
    Send(message);
  });
  tasks_[assignment.job_id()] = std::move(task);
  worker_.metrics->SetBusy(true);
}

void ControlSession::StartLive(const vmm::v1::LiveAssignment& assignment) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto task = std::make_unique<Task>();
  task->is_live = true;
  // A draining worker still attaches, so the session ends at once with a reason.
  if (draining_) task->control.RequestStop(StopReason::kHandBack);
  Task* raw = task.get();
  task->thread = std::thread([this, raw, assignment] {
    const absl::Status status = live_runner_->Run(assignment, raw->control);
    common::LogInfo(
        absl::StrCat("live session ", assignment.session_id(), " ended: ", status.ToString()));
    raw->done = true;
    changed_.notify_all();
  });
  tasks_[absl::StrCat("live:", assignment.session_id())] = std::move(task);
  worker_.metrics->SetBusy(true);
}

size_t ControlSession::ReapFinishedTasks() {
  std::vector<std::unique_ptr<Task>> finished;
  size_t running = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->second->done) {
        finished.push_back(std::move(it->second));
        it = tasks_.erase(it);
      } else {
        ++it;
      }
    }
    running = tasks_.size();
    worker_.metrics->SetBusy(running > 0);
  }
  for (auto& task : finished) task->thread.join();
  return running;
}

void ControlSession::StopAllTasks(StopReason reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, task] : tasks_) task->control.RequestStop(reason);
}

void ControlSession::JoinAllTasks() {
  std::map<std::string, std::unique_ptr<Task>> tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks.swap(tasks_);
  }
  for (auto& [id, task] : tasks) {
    if (task->thread.joinable()) task->thread.join();
  }
  worker_.metrics->SetBusy(false);
}

void ControlSession::Supervise() {
  const std::chrono::milliseconds heartbeat_interval =
      Seconds(registered_.heartbeat_interval_seconds(), 5);
  Clock::time_point next_heartbeat = Clock::now();
  Clock::time_point grace_deadline = Clock::time_point::max();
  Clock::time_point close_deadline = Clock::time_point::max();
  bool handed_back = false;
  bool drain_logged = false;
  while (true) {
    const size_t running = ReapFinishedTasks();
    const Clock::time_point now = Clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    if (stream_over_) return;
    if (closing_) {
      if (now >= close_deadline) context_.TryCancel();  // the server did not end the stream
    } else if (worker_.shutdown->requested() || job_runner_->work_folder_unusable()) {
      if (!drain_logged) {
        drain_logged = true;
        draining_ = true;
        if (worker_.shutdown->requested()) {
          grace_deadline = now + Seconds(worker_.options->shutdown_grace_seconds, 0.001);
          common::LogInfo(absl::StrCat("shutting down: ", running, " task(s) get ",
                                       worker_.options->shutdown_grace_seconds, " s to finish"));
        } else {
          // Live sessions need no folder: they run to their end, then the session closes.
          common::LogWarning("the work folder is unusable: taking no more jobs and disconnecting");
        }
      }
      if (!handed_back && (now >= grace_deadline || worker_.shutdown->urgent())) {
        handed_back = true;
        for (auto& [id, task] : tasks_) task->control.RequestStop(StopReason::kHandBack);
      }
      if (running == 0) {
        closing_ = true;
        close_deadline = now + kCloseWait;
        lock.unlock();
        std::lock_guard<std::mutex> write_lock(write_mutex_);
        writes_closed_ = true;
        stream_->WritesDone();
        continue;
      }
    }
    if (!closing_ && now >= next_heartbeat) {
      vmm::v1::WorkerMessage message;
      for (const auto& [id, task] : tasks_) {
        if (task->is_live) {
          message.mutable_heartbeat()->add_live_session_ids(id.substr(5));
        } else {
          message.mutable_heartbeat()->add_job_ids(id);
        }
      }
      message.mutable_heartbeat()->set_draining(draining_);
      next_heartbeat = now + heartbeat_interval;
      lock.unlock();
      Send(message);
      lock.lock();
    }
    changed_.wait_for(lock, kSupervisorTick);
  }
}

}  // namespace vmm::worker
