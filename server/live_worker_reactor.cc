#include "server/live_worker_reactor.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "server/live_relay.h"
#include "server/live_session.h"

namespace vmm::server {

LiveWorkerReactor::LiveWorkerReactor(LiveRelay* relay, grpc::CallbackServerContext* context)
    : relay_(relay), context_(context) {}

void LiveWorkerReactor::Start(std::shared_ptr<LiveWorkerReactor> self,
                              const absl::Status& refused) {
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
  StartRead(&incoming_);
}

absl::Status LiveWorkerReactor::Attach() {
  if (!incoming_.has_attach()) {
    return absl::InvalidArgumentError("the first message of LiveFrames must be attach");
  }
  std::shared_ptr<LiveSession> session = relay_->Find(incoming_.attach().session_id());
  if (session == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no live session \"", incoming_.attach().session_id(), "\""));
  }
  std::weak_ptr<LiveWorkerReactor> weak = weak_from_this();
  session_ = session;
  absl::Status attached =
      session->AttachWorker(incoming_.attach().worker_id(), context_, [weak]() {
        if (std::shared_ptr<LiveWorkerReactor> stream = weak.lock()) stream->Pull();
      });
  if (!attached.ok()) {
    session_.reset();
    return attached;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  attached_ = true;
  return absl::OkStatus();
}

void LiveWorkerReactor::OnReadDone(bool ok) {
  if (session_ == nullptr) {
    if (!ok) {
      EndReads(absl::CancelledError("the worker left before attaching"));
      return;
    }
    if (absl::Status status = Attach(); !status.ok()) {
      EndReads(status);
      return;
    }
    StartRead(&incoming_);
    Pull();
    return;
  }
  if (!ok) {
    session_->OnWorkerClosed();
    EndReads(absl::OkStatus());
    return;
  }
  switch (incoming_.content_case()) {
    case vmm::v1::LiveWorkerMessage::kResult:
      session_->OnWorkerResult(incoming_.result());
      StartRead(&incoming_);
      return;
    case vmm::v1::LiveWorkerMessage::kFailure:
      session_->OnWorkerFailure(incoming_.failure().reason());
      break;
    default:
      session_->OnWorkerFailure("the worker sent a second attach");
      break;
  }
  EndReads(absl::OkStatus());
}

void LiveWorkerReactor::Pull() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!attached_ || end_status_.has_value() || wrote_end_) return;
      if (writing_) {
        pull_again_ = true;
        return;
      }
      writing_ = true;
      pull_again_ = false;
    }
    if (session_->NextForWorker(&outgoing_)) {
      StartWrite(&outgoing_);
      return;
    }
    std::optional<absl::Status> finish;
    bool again = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writing_ = false;
      if (end_status_.has_value() && !finished_) {
        finished_ = true;  // the reads ended while the session was asked
        finish = *end_status_;
      } else {
        again = pull_again_;  // the session had news while it was asked: ask again
      }
    }
    if (finish.has_value()) {
      Finish(common::ToGrpcStatus(*finish));
      return;
    }
    if (!again) return;
  }
}

void LiveWorkerReactor::OnWriteDone(bool ok) {
  std::optional<absl::Status> finish;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    writing_ = false;
    if (outgoing_.has_end()) wrote_end_ = true;
    if (end_status_.has_value() && !finished_) {
      finished_ = true;
      finish = *end_status_;
    }
  }
  if (finish.has_value()) {
    Finish(common::ToGrpcStatus(*finish));
  } else if (!ok) {
    context_->TryCancel();  // the stream broke: the pending read ends too
  } else {
    Pull();
  }
}

void LiveWorkerReactor::EndReads(const absl::Status& status) {
  bool finish = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    end_status_ = status;
    finish = !writing_ && !finished_;
    finished_ = finished_ || finish;
  }
  if (finish) Finish(common::ToGrpcStatus(status));
}

void LiveWorkerReactor::OnDone() {
  if (session_ != nullptr) session_->DetachWorker();
  std::shared_ptr<LiveWorkerReactor> last = std::move(self_);  // may be the last owner
}

}  // namespace vmm::server
