// When the remote commands try a broken stream again: only after the server was reached once
// (an unreachable server fails at once with exit code 3), only for UNAVAILABLE (the connection
// dropped, the server restarted), with delays doubling from 0.25 s to 4 s, for as long as the
// stream keeps making progress or at most `patience` without any.
//
// Thread-safety: one policy per retried operation.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <thread>

namespace vmm::client {

// Tracks the retries of one operation.
class RetryPolicy {
 public:
  explicit RetryPolicy(std::chrono::seconds patience = std::chrono::seconds(90))
      : patience_(patience), last_progress_(std::chrono::steady_clock::now()) {}

  // Records that the operation got somewhere (bytes moved, an event arrived).
  void MadeProgress() {
    last_progress_ = std::chrono::steady_clock::now();
    delay_ = kFirstDelay;
    reached_ = true;
  }

  // True (after sleeping) if a failure with `status` should be retried.
  bool ShouldRetry(const grpc::Status& status) {
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !reached_) return false;
    if (std::chrono::steady_clock::now() - last_progress_ > patience_) return false;
    std::this_thread::sleep_for(delay_);
    delay_ = std::min(delay_ * 2, kMaxDelay);
    return true;
  }

 private:
  static constexpr std::chrono::milliseconds kFirstDelay{250};
  static constexpr std::chrono::milliseconds kMaxDelay{4000};
  const std::chrono::seconds patience_;
  std::chrono::steady_clock::time_point last_progress_;
  std::chrono::milliseconds delay_ = kFirstDelay;
  bool reached_ = false;
};

}  // namespace vmm::client
