// Sends a running job's progress to the server on the control stream: the newest figures at
// most every `min_interval` when they change and at least every `max_interval` in any case, so
// the server (and every watcher) hears from a job at least once a second even while one slow
// frame is being magnified.
//
// Thread-safety: Update may be called from any thread; the reporter owns one sending thread,
// stopped by Stop() or the destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "vmm/v1/worker.pb.h"

namespace vmm::worker {

// Sends a message on the control stream; thread-safe; false once the stream is gone.
using ControlSender = std::function<bool(const vmm::v1::WorkerMessage&)>;

// Periodic progress messages for one job.
class ProgressReporter {
 public:
  ProgressReporter(std::string job_id, ControlSender send,
                   std::chrono::milliseconds min_interval = std::chrono::milliseconds(250),
                   std::chrono::milliseconds max_interval = std::chrono::milliseconds(1000));
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Records the newest figures; `message` says what the worker is doing ("decoding").
  void Update(int64_t frames_done, int64_t frames_total, double frames_per_second,
              const std::string& message);

  // Sends the newest figures once more and stops the thread. Idempotent.
  void Stop();

 private:
  void Loop();
  // Takes the newest figures (clearing `changed_`) to send outside the lock.
  vmm::v1::WorkerMessage TakeLatest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const ControlSender send_;
  const std::chrono::milliseconds min_interval_;
  const std::chrono::milliseconds max_interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  vmm::v1::Progress latest_ ABSL_GUARDED_BY(mutex_);
  bool changed_ ABSL_GUARDED_BY(mutex_) = true;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace vmm::worker
