// Time behind a small interface, so the scheduler's leases and the retention policy can be
// tested with a clock the test moves by hand. Implementations are thread-safe.
#pragma once

#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace vmm::server {

// A source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  // The current time.
  virtual absl::Time Now() const = 0;
  // The process-wide wall clock (never deleted).
  static Clock* Real();
};

// A clock that moves only when told to; for tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1700000000)) : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  // Moves the clock forward by `step`.
  void Advance(absl::Duration step) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ += step;
  }

 private:
  mutable std::mutex mutex_;
  absl::Time now_;
};

}  // namespace vmm::server
