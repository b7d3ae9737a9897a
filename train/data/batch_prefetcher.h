// Generates training batches ahead of time on background threads, in order: batch k holds
// samples k*batch_size .. k*batch_size + batch_size - 1 of the generator, so the stream is the
// same whatever the number of threads and can restart at any batch.
//
// Thread-safety: Next() is for one consumer thread; the workers are internal. The generator must
// outlive the prefetcher. The destructor stops and joins the workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "train/data/sample_generator.h"

namespace vmm::train {

// A bounded, ordered queue of generated batches.
class BatchPrefetcher {
 public:
  // Starts `threads` workers (at least 1) producing batches from `first_batch` on, at most
  // `depth` batches ahead of the consumer.
  BatchPrefetcher(const SampleGenerator& generator, int batch_size, uint64_t first_batch,
                  int threads, int depth);
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next batch in order; waits until it is ready.
  std::vector<Sample> Next();

  // Seconds the workers have spent generating, summed over workers, since construction.
  double generation_seconds() const { return generation_microseconds_.load() * 1e-6; }
  // CPU seconds the workers' threads have used generating, summed over workers: less than
  // generation_seconds() when the training threads share the cores.
  double generation_cpu_seconds() const { return generation_cpu_microseconds_.load() * 1e-6; }

 private:
  void WorkerLoop();

  const SampleGenerator& generator_;
  const int batch_size_;
  const int depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t next_to_claim_ ABSL_GUARDED_BY(mutex_);
  uint64_t next_to_deliver_ ABSL_GUARDED_BY(mutex_);
  std::map<uint64_t, std::vector<Sample>> ready_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::atomic<int64_t> generation_microseconds_{0};
  std::atomic<int64_t> generation_cpu_microseconds_{0};
  std::vector<std::thread> workers_;
};

}  // namespace vmm::train
