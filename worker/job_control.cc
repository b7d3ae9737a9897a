#include "worker/job_control.h"

namespace vmm::worker {

void JobControl::RequestStop(StopReason reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (reason_ == StopReason::kNone) reason_ = reason;
  stop_.store(true);
  if (active_call_ != nullptr) active_call_->TryCancel();
}

StopReason JobControl::reason() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reason_;
}

void JobControl::SetActiveCall(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(mutex_);
  active_call_ = context;
  if (context != nullptr && stop_.load()) context->TryCancel();
}

}  // namespace vmm::worker
