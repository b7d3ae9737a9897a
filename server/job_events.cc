#include "server/job_events.h"

#include <utility>
#include <vector>

namespace vmm::server {

int64_t JobEvents::Subscribe(const std::string& job_id, Listener listener) {
  int64_t key = 0;
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    key = ++next_key_;
    subscriptions_[key] = Subscription{job_id, listener};
    keys_by_job_.emplace(job_id, key);
    stopping = stopping_;
  }
  if (stopping) listener();
  return key;
}

void JobEvents::Unsubscribe(int64_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = subscriptions_.find(key);
  if (found == subscriptions_.end()) return;
  auto [first, last] = keys_by_job_.equal_range(found->second.job_id);
  for (auto it = first; it != last; ++it) {
    if (it->second == key) {
      keys_by_job_.erase(it);
      break;
    }
  }
  subscriptions_.erase(found);
}

void JobEvents::Notify(const std::string& job_id) {
  std::vector<Listener> listeners;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [first, last] = keys_by_job_.equal_range(job_id);
    for (auto it = first; it != last; ++it) {
      listeners.push_back(subscriptions_.at(it->second).listener);
    }
  }
  for (const Listener& listener : listeners) listener();
}

void JobEvents::WakeAll() {
  std::vector<Listener> listeners;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (const auto& [key, subscription] : subscriptions_) {
      listeners.push_back(subscription.listener);
    }
  }
  for (const Listener& listener : listeners) listener();
}

}  // namespace vmm::server
