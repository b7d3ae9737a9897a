// Shows the progress of a long operation on the terminal: a bar with frames, rate and ETA that
// redraws in place on a TTY, and plain lines at most every few seconds otherwise (logs, pipes).
// Used by `vmm magnify` and the remote commands.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace vmm::client {

// Draws progress on stderr.
class ProgressDisplay {
 public:
  // `label` names the operation ("magnify", "upload"); `unit` what is counted ("frames", "MiB").
  ProgressDisplay(std::string label, std::string unit);

  // Shows `done` of `total` (total < 0: unknown) at `rate` units per second, `eta_seconds` (< 0:
  // unknown). Redraws at most ten times a second on a terminal.
  void Update(double done, double total, double rate, double eta_seconds);

  // Ends the display with a final line.
  void Finish(const std::string& message);

 private:
  std::string label_;
  std::string unit_;
  bool is_terminal_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drew_ = false;
};

// Formats seconds as "1h02m03s", "2m05s" or "7s".
std::string FormatDuration(double seconds);

}  // namespace vmm::client
