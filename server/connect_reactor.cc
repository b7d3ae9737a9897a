#include "server/connect_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "server/auth.h"
#include "server/worker_messages.h"

namespace vmm::server {

ConnectReactor::ConnectReactor(ServerCore core, StreamRegistry* streams,
                               grpc::CallbackServerContext* context)
    : core_(core), streams_(streams), context_(context) {}

void ConnectReactor::Start(std::shared_ptr<ConnectReactor> self, const absl::Status& refused) {
  self_ = std::move(self);
  if (!refused.ok()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      end_status_ = refused;
      finished_ = true;
    }
    Finish(common::ToGrpcStatus(refused));
    return;
  }
  stream_key_ = streams_->Add(context_);
  StartRead(&incoming_);
}

void ConnectReactor::OnReadDone(bool ok) {
  if (!ok) {
    // The worker closed the stream, or the call was cancelled.
    EndReads(worker_id_.empty() ? absl::CancelledError("the worker left before registering")
                                : absl::OkStatus());
    return;
  }
  if (worker_id_.empty()) {
    if (!incoming_.has_register_()) {
      EndReads(absl::InvalidArgumentError("the first message of Connect must be register"));
      return;
    }
    std::weak_ptr<ConnectReactor> weak = weak_from_this();
    auto link = std::make_shared<MessageWorkerLink>(
        [weak](vmm::v1::ServerMessage message) {
          if (std::shared_ptr<ConnectReactor> stream = weak.lock()) {
            stream->Send(std::move(message));
          }
        },
        [weak]() {
          if (std::shared_ptr<ConnectReactor> stream = weak.lock()) stream->Cancel();
        });
    worker_id_ = core_.scheduler->RegisterWorker(RegistrationFromProto(incoming_.register_()),
                                                 std::move(link));
  } else if (absl::Status status = Handle(incoming_); !status.ok()) {
    EndReads(status);
    return;
  }
  StartRead(&incoming_);
}

absl::Status ConnectReactor::Handle(const vmm::v1::WorkerMessage& message) {
  switch (message.content_case()) {
    case vmm::v1::WorkerMessage::kHeartbeat:
      core_.scheduler->Heartbeat(worker_id_, HeartbeatFromProto(message.heartbeat()));
      return absl::OkStatus();
    case vmm::v1::WorkerMessage::kProgress:
      core_.scheduler->ReportProgress(worker_id_, ProgressFromProto(message.progress()));
      return absl::OkStatus();
    case vmm::v1::WorkerMessage::kJobFinished:
      core_.scheduler->FinishJob(worker_id_, OutcomeFromProto(message.job_finished()));
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          "after register, Connect takes only heartbeat, progress and job_finished");
  }
}

void ConnectReactor::EndReads(const absl::Status& status) {
  if (!worker_id_.empty()) core_.scheduler->WorkerDisconnected(worker_id_);
  bool finish = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    end_status_ = status;
    outbox_.clear();
    finish = !writing_ && !finished_;
    finished_ = finished_ || finish;
  }
  if (finish) Finish(common::ToGrpcStatus(status));
}

void ConnectReactor::Send(vmm::v1::ServerMessage message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (end_status_.has_value() || done_) return;
    if (writing_) {
      outbox_.push_back(std::move(message));
      return;
    }
    writing_ = true;
    writing_message_ = std::move(message);
  }
  StartWrite(&writing_message_);
}

void ConnectReactor::OnWriteDone(bool ok) {
  bool write_next = false;
  std::optional<absl::Status> finish;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ok && !end_status_.has_value() && !outbox_.empty()) {
      writing_message_ = std::move(outbox_.front());
      outbox_.pop_front();
      write_next = true;
    } else {
      writing_ = false;
      if (end_status_.has_value() && !finished_) {
        finished_ = true;
        finish = *end_status_;
      }
    }
  }
  if (finish.has_value()) {
    Finish(common::ToGrpcStatus(*finish));
  } else if (write_next) {
    StartWrite(&writing_message_);
  } else if (!ok) {
    context_->TryCancel();  // the stream broke: the pending read ends too
  }
}

void ConnectReactor::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!done_) context_->TryCancel();
}

void ConnectReactor::OnDone() {
  if (stream_key_ >= 0) streams_->Remove(stream_key_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  std::shared_ptr<ConnectReactor> last = std::move(self_);  // may be the last owner
}

}  // namespace vmm::server
