// Keeps the contexts of long-lived streams (workers' Connect streams) so a graceful shutdown
// can end them at once instead of waiting for the shutdown deadline. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "grpcpp/server_context.h"

namespace vmm::server {

// Open streams that a shutdown cancels.
class StreamRegistry {
 public:
  // Adds a stream; returns its key for Remove. A stream added after CancelAll is cancelled
  // immediately.
  int64_t Add(grpc::ServerContextBase* context);
  // Forgets a stream (before its handler returns).
  void Remove(int64_t key);
  // Cancels every stream, now and from now on.
  void CancelAll();

 private:
  std::mutex mutex_;
  std::map<int64_t, grpc::ServerContextBase*> contexts_ ABSL_GUARDED_BY(mutex_);
  int64_t next_key_ ABSL_GUARDED_BY(mutex_) = 0;
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server
