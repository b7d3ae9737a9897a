#include "worker/progress_reporter.h"

#include <utility>

namespace vmm::worker {

ProgressReporter::ProgressReporter(std::string job_id, ControlSender send,
                                   std::chrono::milliseconds min_interval,
                                   std::chrono::milliseconds max_interval)
    : send_(std::move(send)), min_interval_(min_interval), max_interval_(max_interval) {
  latest_.set_job_id(std::move(job_id));
  thread_ = std::thread([this] { Loop(); });
}

ProgressReporter::~ProgressReporter() { Stop(); }

void ProgressReporter::Update(int64_t frames_done, int64_t frames_total, double frames_per_second,
                              const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  latest_.set_frames_done(frames_done);
  latest_.set_frames_total(frames_total > 0 ? frames_total : 0);
  latest_.set_frames_per_second(frames_per_second > 0 ? frames_per_second : 0);
  latest_.set_message(message);
  changed_ = true;
}

void ProgressReporter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  vmm::v1::WorkerMessage message;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!changed_) return;
    message = TakeLatest();
  }
  send_(message);
}

vmm::v1::WorkerMessage ProgressReporter::TakeLatest() {
  vmm::v1::WorkerMessage message;
  *message.mutable_progress() = latest_;
  changed_ = false;
  return message;
}

void ProgressReporter::Loop() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_sent = Clock::time_point::min();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const Clock::time_point now = Clock::now();
    if (changed_ || now - last_sent >= max_interval_) {
      vmm::v1::WorkerMessage message = TakeLatest();
      last_sent = now;
      lock.unlock();
      send_(message);
      lock.lock();
    }
    wake_.wait_for(lock, min_interval_, [this] { return stopping_; });
  }
}

}  // namespace vmm::worker
