#include "client/progress_display.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace vmm::client {

ProgressDisplay::ProgressDisplay(std::string label, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), is_terminal_(isatty(STDERR_FILENO) != 0) {}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t total = static_cast<int64_t>(std::llround(seconds));
  const int64_t hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  if (hours > 0) return absl::StrFormat("%dh%02dm%02ds", hours, minutes, secs);
  if (minutes > 0) return absl::StrFormat("%dm%02ds", minutes, secs);
  return absl::StrFormat("%ds", secs);
}

void ProgressDisplay::Update(double done, double total, double rate, double eta_seconds) {
  const auto now = std::chrono::steady_clock::now();
  const auto interval = is_terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5);
  if (drew_ && now - last_draw_ < interval) return;
  last_draw_ = now;
  drew_ = true;
  const std::string amount =
      total > 0 ? absl::StrFormat("%.0f/%.0f %s", done, total, unit_)
                : absl::StrFormat("%.0f %s", done, unit_);
  const std::string speed = absl::StrFormat("%.2f %s/s", rate, unit_);
  const std::string eta = absl::StrCat("ETA ", FormatDuration(eta_seconds));
  if (!is_terminal_) {
    std::fprintf(stderr, "%s: %s, %s, %s\n", label_.c_str(), amount.c_str(), speed.c_str(),
                 eta.c_str());
    return;
  }
  constexpr int kWidth = 30;
  std::string bar;
  if (total > 0) {
    const int filled = static_cast<int>(std::clamp(done / total, 0.0, 1.0) * kWidth);
    bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] ";
  }
  std::fprintf(stderr, "\r\033[K%s %s%s  %s  %s", label_.c_str(), bar.c_str(), amount.c_str(),
               speed.c_str(), eta.c_str());
  std::fflush(stderr);
}

void ProgressDisplay::Finish(const std::string& message) {
  if (is_terminal_ && drew_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s: %s\n", label_.c_str(), message.c_str());
}

}  // namespace vmm::client
