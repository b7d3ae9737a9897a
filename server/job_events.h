// Tells WatchJob streams when a job changes. A watcher subscribes a listener for its job;
// whoever changes a job calls Notify(id), which calls the job's listeners on the notifying
// thread, outside any lock (a listener must not block: it schedules work and returns). A
// listener can still be called after its Unsubscribe returns (by a Notify already under way),
// so it must hold only what stays valid (a weak_ptr, say). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"

namespace vmm::server {

// Change notifications for jobs.
class JobEvents {
 public:
  // Called when the job changed, and once at shutdown.
  using Listener = std::function<void()>;

  // Calls `listener` whenever job `job_id` changes; returns the key for Unsubscribe. After
  // WakeAll, the listener is called once right away instead.
  int64_t Subscribe(const std::string& job_id, Listener listener);
  // Stops the calls of the listener with this key.
  void Unsubscribe(int64_t key);
  // Records that the job changed: calls its listeners.
  void Notify(const std::string& job_id);
  // Shutdown: calls every listener once, and each listener subscribed later at once.
  void WakeAll();

 private:
  struct Subscription {
    std::string job_id;
    Listener listener;
  };

  std::mutex mutex_;
  std::map<int64_t, Subscription> subscriptions_ ABSL_GUARDED_BY(mutex_);
  std::multimap<std::string, int64_t> keys_by_job_ ABSL_GUARDED_BY(mutex_);
  int64_t next_key_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server
