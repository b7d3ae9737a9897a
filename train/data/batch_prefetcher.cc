#include "train/data/batch_prefetcher.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace vmm::train {

namespace {

// CPU time of the calling thread, in microseconds.
int64_t ThreadCpuMicroseconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return int64_t(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
}

}  // namespace

BatchPrefetcher::BatchPrefetcher(const SampleGenerator& generator, int batch_size,
                                 uint64_t first_batch, int threads, int depth)
    : generator_(generator),
      batch_size_(batch_size),
      depth_(std::max(1, depth)),
      next_to_claim_(first_batch),
      next_to_deliver_(first_batch) {
  for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

BatchPrefetcher::~BatchPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void BatchPrefetcher::WorkerLoop() {
  while (true) {
    uint64_t batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return stopping_ || next_to_claim_ < next_to_deliver_ + depth_;
      });
      if (stopping_) return;
      batch = next_to_claim_++;
    }
    const auto begin = std::chrono::steady_clock::now();
    const int64_t cpu_begin = ThreadCpuMicroseconds();
    std::vector<Sample> samples;
    samples.reserve(batch_size_);
    for (int i = 0; i < batch_size_; ++i) {
      samples.push_back(generator_.Generate(batch * batch_size_ + i));
    }
    generation_microseconds_ += std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::steady_clock::now() - begin)
                                    .count();
    generation_cpu_microseconds_ += ThreadCpuMicroseconds() - cpu_begin;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_[batch] = std::move(samples);
    }
    changed_.notify_all();
  }
}

std::vector<Sample> BatchPrefetcher::Next() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return ready_.count(next_to_deliver_) > 0;
  });
  auto it = ready_.find(next_to_deliver_);
  std::vector<Sample> samples = std::move(it->second);
  ready_.erase(it);
  ++next_to_deliver_;
  lock.unlock();
  changed_.notify_all();
  return samples;
}

}  // namespace vmm::train
