// Collects per-frame latencies of a live stream and reports their median and 99th percentile,
// the figures `vmm stream` prints and the live benchmark checks.
//
// Thread-safety: not safe for concurrent calls; one collector per stream.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace vmm::client {

// Latencies in seconds.
class LatencyStats {
 public:
  // Records one latency.
  void Add(double seconds) { samples_.push_back(seconds); }

  // Number of latencies recorded.
  size_t count() const { return samples_.size(); }

  // The q-quantile (0..1) by the nearest-rank method; 0 when empty.
  double Quantile(double q) const {
    if (samples_.empty()) return 0;
    std::vector<double> sorted = samples_;
    std::sort(sorted.begin(), sorted.end());
    const double rank = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size()));
    const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
    return sorted[std::min(index, sorted.size() - 1)];
  }

  double Median() const { return Quantile(0.5); }
  double P99() const { return Quantile(0.99); }

 private:
  std::vector<double> samples_;
};

}  // namespace vmm::client
