#include "server/live_session.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "server/live_relay.h"
#include "server/validation.h"

namespace vmm::server {

LiveSession::LiveSession(LiveRelay* relay, const ServerCore& core, std::string session_id,
                         absl::Status auth)
    : relay_(relay), core_(core), session_id_(std::move(session_id)) {
  std::lock_guard<std::mutex> lock(mutex_);
  created_ = core_.clock->Now();
  last_activity_ = created_;
  if (!auth.ok()) end_status_ = auth;
}

void LiveSession::Start() {
  bool read = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    core_.metrics->live_sessions.Increment();
    counted_ = true;
    read = !end_status_.has_value();
  }
  if (read) {
    StartRead(&request_);
  } else {
    Pump();
  }
}

void LiveSession::OnReadDone(bool ok) {
  bool read_again = false;
  std::optional<vmm::v1::LiveConfig> config;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const absl::Time now = core_.clock->Now();
    if (!ok) {
      client_done_ = true;
      if (phase_ != Phase::kStreaming) {
        EndLocked(absl::CancelledError("the client closed the live session before it started"));
      }
    } else if (end_status_.has_value()) {
      // Ending: ignore further frames.
    } else if (phase_ == Phase::kConfiguring) {
      if (!request_.has_config()) {
        EndLocked(absl::InvalidArgumentError("the first message of Live must carry config"));
      } else {
        config = request_.config();
      }
    } else if (!request_.has_frame()) {
      EndLocked(absl::InvalidArgumentError("only the first message of Live may carry config"));
    } else if (static_cast<int64_t>(request_.frame().data().size()) != frame_size_) {
      EndLocked(absl::InvalidArgumentError(absl::StrCat(
          "frame ", request_.frame().sequence(), " has ", request_.frame().data().size(),
          " bytes; the config makes every frame ", frame_size_, " bytes")));
    } else {
      to_worker_.emplace_back(std::move(*request_.mutable_frame()), now);
      ++in_flight_;
      last_activity_ = now;
      if (in_flight_ < max_in_flight_) {
        read_again = true;
      } else {
        read_paused_ = true;
      }
    }
  }
  if (config.has_value()) {
    HandleConfig(*config);
    return;
  }
  if (read_again) StartRead(&request_);
  Pump();
}

void LiveSession::HandleConfig(const vmm::v1::LiveConfig& requested) {
  vmm::v1::LiveConfig config = requested;
  absl::StatusOr<int64_t> frame_size = ValidateAndFillLiveConfig(core_.limits.live, &config);
  absl::StatusOr<LiveWorker> worker = absl::UnknownError("no worker reserved");
  if (!frame_size.ok()) {
    worker = frame_size.status();
  } else if (core_.shutting_down->load()) {
    worker = absl::UnavailableError("the server is shutting down");
  } else {
    worker = core_.scheduler->ReserveLiveSlot(session_id_, config.params().method());
  }
  bool start = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!worker.ok()) {
      EndLocked(worker.status());
    } else {
      worker_ = *worker;  // OnDone frees the slot
      frame_size_ = *frame_size;
      max_in_flight_ = config.max_frames_in_flight();
      phase_ = Phase::kWaitingForWorker;
      created_ = core_.clock->Now();  // the attach timeout counts from here
      start = !end_status_.has_value();  // the client may have gone during the reservation
    }
  }
  if (start) {
    // Told only now, the worker finds the session waiting for it when it attaches.
    LiveAssignment assignment;
    assignment.session_id = session_id_;
    assignment.config = config;
    assignment.max_frames_in_flight = config.max_frames_in_flight();
    if (absl::Status sent = core_.scheduler->StartLiveSession(worker->worker_id, assignment);
        !sent.ok()) {
      End(sent);
      return;
    }
  }
  Pump();
}

absl::Status LiveSession::AttachWorker(const std::string& worker_id,
                                       grpc::ServerContextBase* worker_context,
                                       std::function<void()> wake_worker) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (phase_ != Phase::kConfiguring && worker_.worker_id != worker_id) {
      return absl::PermissionDeniedError(
          absl::StrCat("live session ", session_id_, " was assigned to another worker"));
    }
    if (phase_ != Phase::kWaitingForWorker || end_status_.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("live session ", session_id_, " is not waiting for a worker"));
    }
    worker_context_ = worker_context;
    wake_worker_ = std::move(wake_worker);
    phase_ = Phase::kStreaming;
    last_activity_ = core_.clock->Now();
    Outgoing ready;
    vmm::v1::LiveReady* message = ready.response.mutable_ready();
    message->set_session_id(session_id_);
    message->set_worker_name(worker_.worker_name);
    message->set_device(worker_.device);
    message->set_max_frames_in_flight(max_in_flight_);
    message->set_frame_size_bytes(frame_size_);
    outgoing_.push_back(std::move(ready));
  }
  StartRead(&request_);
  Pump();
  return absl::OkStatus();
}

bool LiveSession::NextForWorker(vmm::v1::LiveServerMessage* message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (end_status_.has_value() || sent_end_) return false;
  if (!to_worker_.empty()) {
    auto [frame, receipt] = std::move(to_worker_.front());
    to_worker_.pop_front();
    awaiting_.push_back(Pending{frame.sequence(), receipt});
    message->Clear();
    *message->mutable_frame() = std::move(frame);
    return true;
  }
  if (!client_done_) return false;
  message->Clear();
  message->mutable_end();
  sent_end_ = true;
  return true;
}

void LiveSession::OnWorkerResult(const vmm::v1::LiveWorkerResult& result) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (end_status_.has_value()) return;
    if (awaiting_.empty() || awaiting_.front().sequence != result.sequence()) {
      EndLocked(absl::InternalError(
          absl::StrCat("the worker returned frame ", result.sequence(), " out of order")));
    } else if (static_cast<int64_t>(result.data().size()) != frame_size_) {
      EndLocked(absl::InternalError(absl::StrCat("the worker returned ", result.data().size(),
                                                 " bytes for frame ", result.sequence(),
                                                 "; expected ", frame_size_)));
    } else {
      Outgoing out;
      vmm::v1::LiveResult* frame = out.response.mutable_frame();
      frame->set_sequence(result.sequence());
      frame->set_data(result.data());
      frame->set_engine_seconds(result.engine_seconds());
      out.receipt = awaiting_.front().receipt;
      awaiting_.pop_front();
      outgoing_.push_back(std::move(out));
      last_activity_ = core_.clock->Now();
    }
  }
  Pump();
}

void LiveSession::OnWorkerFailure(const std::string& reason) {
  End(absl::AbortedError(absl::StrCat("the worker failed: ", reason)));
}

void LiveSession::OnWorkerClosed() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (client_done_ && awaiting_.empty() && to_worker_.empty()) {
      EndLocked(absl::OkStatus());
    } else {
      EndLocked(absl::UnavailableError(absl::StrCat(
          "worker ", worker_.worker_name, " ended the live session before answering every frame")));
    }
  }
  Pump();
}

void LiveSession::DetachWorker() {
  std::lock_guard<std::mutex> lock(mutex_);
  worker_context_ = nullptr;
  wake_worker_ = nullptr;
}

void LiveSession::End(const absl::Status& status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EndLocked(status);
  }
  Pump();
}

void LiveSession::CheckTimeouts(absl::Time now) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (end_status_.has_value()) return;
    if (phase_ == Phase::kWaitingForWorker && now - created_ > core_.limits.live_attach_timeout) {
      EndLocked(absl::UnavailableError(
          absl::StrCat("worker ", worker_.worker_name, " did not take the live session within ",
                       absl::FormatDuration(core_.limits.live_attach_timeout))));
    } else if (phase_ != Phase::kWaitingForWorker &&
               now - last_activity_ > core_.limits.live_idle_timeout) {
      EndLocked(absl::DeadlineExceededError(
          absl::StrCat("the live session was idle for ",
                       absl::FormatDuration(core_.limits.live_idle_timeout), " and was closed")));
    }
  }
  Pump();
}

void LiveSession::OnWriteDone(bool ok) {
  bool read_again = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    write_outstanding_ = false;
    if (!ok) EndLocked(absl::CancelledError("the client stopped receiving"));
    if (writing_frame_) {
      --in_flight_;
      if (read_paused_ && in_flight_ < max_in_flight_ && !end_status_.has_value() &&
          !client_done_) {
        read_paused_ = false;
        read_again = true;
      }
    }
  }
  if (read_again) StartRead(&request_);
  Pump();
}

void LiveSession::OnCancel() { End(absl::CancelledError("the client cancelled the live session")); }

void LiveSession::OnDone() {
  std::string worker_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EndLocked(absl::CancelledError("the live session ended"));
    worker_id = worker_.worker_id;
    if (counted_) core_.metrics->live_sessions.Decrement();
    counted_ = false;
  }
  if (!worker_id.empty()) core_.scheduler->ReleaseLiveSlot(worker_id, session_id_);
  relay_->Remove(session_id_);  // may destroy this session: nothing may follow
}

void LiveSession::EndLocked(const absl::Status& status) {
  if (end_status_.has_value()) return;
  end_status_ = status;
  if (!status.ok()) {
    outgoing_.clear();
    if (worker_context_ != nullptr) worker_context_->TryCancel();
  }
}

void LiveSession::Pump() {
  bool write = false;
  bool finish = false;
  grpc::Status finish_status;
  std::function<void()> wake_worker;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_worker = wake_worker_;  // the worker may have a frame or LiveEnd to take
  }
  if (wake_worker) wake_worker();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finish_called_ || write_outstanding_) return;
    const bool failing = end_status_.has_value() && !end_status_->ok();
    if (!outgoing_.empty() && !failing) {
      Outgoing next = std::move(outgoing_.front());
      outgoing_.pop_front();
      writing_frame_ = next.receipt.has_value();
      if (writing_frame_) {
        const double latency = absl::ToDoubleSeconds(core_.clock->Now() - *next.receipt);
        next.response.mutable_frame()->set_latency_seconds(latency);
        core_.metrics->live_frame_latency.Observe(latency);
      }
      writing_response_ = std::move(next.response);
      write_outstanding_ = true;
      write = true;
    } else if (end_status_.has_value()) {
      finish_called_ = true;
      finish = true;
      finish_status = common::ToGrpcStatus(*end_status_);
    }
  }
  if (write) StartWrite(&writing_response_);
  if (finish) Finish(finish_status);
}

}  // namespace vmm::server
