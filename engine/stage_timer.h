// Adds the wall time of a scope to one of a magnifier's StageTimes counters.
//
// Thread-safety: one timer per scope; the counter must not be written by another thread meanwhile.
#pragma once

#include <chrono>

namespace vmm::engine {

// Adds the wall time from construction to destruction to `*total` (seconds).
class StageTimer {
 public:
  explicit StageTimer(double* total) : total_(total), start_(Clock::now()) {}
  ~StageTimer() { *total_ += std::chrono::duration<double>(Clock::now() - start_).count(); }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  double* total_;
  Clock::time_point start_;
};

}  // namespace vmm::engine
