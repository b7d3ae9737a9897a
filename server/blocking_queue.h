// A queue between a producer that must not block (the scheduler, under its lock) and one
// consumer thread that writes to a gRPC stream. Close() wakes the consumer and drops later
// pushes. Thread-safe. Unbounded: use it only where the producer bounds the traffic itself
// (a worker's Connect stream carries at most a few messages per job slot).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace vmm::server {

// A closable FIFO of T.
template <typename T>
class BlockingQueue {
 public:
  // Appends an item, unless the queue is closed.
  void Push(T item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
  }

  // Waits for the next item; nullopt once the queue is closed (remaining items are dropped).
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (closed_) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Ends the queue: Pop returns nullopt from now on.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace vmm::server
