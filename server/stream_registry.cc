#include "server/stream_registry.h"

namespace vmm::server {

int64_t StreamRegistry::Add(grpc::ServerContextBase* context) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_) context->TryCancel();
  contexts_[++next_key_] = context;
  return next_key_;
}

void StreamRegistry::Remove(int64_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  contexts_.erase(key);
}

void StreamRegistry::CancelAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  for (auto& [key, context] : contexts_) context->TryCancel();
}

}  // namespace vmm::server
