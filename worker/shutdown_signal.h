// The worker's shutdown request: raised by the signal thread on SIGTERM or SIGINT, waited on by
// the reconnect loop's backoff and the control session's supervisor.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace vmm::worker {

// A one-way flag with a wait.
class ShutdownSignal {
 public:
  // Raises the flag and wakes every waiter; a second call marks the request urgent (no grace).
  void Request() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requests_;
    }
    changed_.notify_all();
  }

  // True once Request was called.
  bool requested() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_ > 0;
  }

  // True once Request was called twice (the user insists: stop without grace).
  bool urgent() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_ > 1;
  }

  // Waits up to `timeout` for a request; returns requested().
  bool WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return requests_ > 0; });
    return requests_ > 0;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int requests_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace vmm::worker
