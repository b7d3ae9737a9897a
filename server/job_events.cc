#include "server/job_events.h"

namespace vmm::server {

void JobEvents::Notify(const std::string& job_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++versions_[job_id];
  }
  changed_.notify_all();
}

uint64_t JobEvents::Version(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = versions_.find(job_id);
  return found == versions_.end() ? 0 : found->second;
}

uint64_t JobEvents::WaitForChange(const std::string& job_id, uint64_t seen,
                                  absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto current = [&]() -> uint64_t {
    auto found = versions_.find(job_id);
    return found == versions_.end() ? 0 : found->second;
  };
  changed_.wait_until(lock, absl::ToChronoTime(deadline),
                      [&]() { return stopping_ || current() != seen; });
  return current();
}

void JobEvents::WakeAll() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

void JobEvents::Forget(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  versions_.erase(job_id);
}

}  // namespace vmm::server
