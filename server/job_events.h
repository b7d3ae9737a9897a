// Wakes WatchJob streams when a job changes. Whoever changes a job calls Notify(id); a watcher
// remembers the version it last reported and waits for a newer one. Versions live in memory
// only (a restarted server starts them again at 0, which watchers of the old process never
// see). Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace vmm::server {

// Change notifications for jobs.
class JobEvents {
 public:
  // Records that the job changed and wakes its watchers.
  void Notify(const std::string& job_id);
  // The job's current version (0 if it never changed in this process).
  uint64_t Version(const std::string& job_id);
  // Waits until the job's version is not `seen`, or until `deadline`, or until WakeAll; returns
  // the version then.
  uint64_t WaitForChange(const std::string& job_id, uint64_t seen, absl::Time deadline);
  // Wakes every waiter (shutdown); waits end early from now on.
  void WakeAll();
  // Drops a deleted job's version.
  void Forget(const std::string& job_id);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, uint64_t> versions_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace vmm::server
