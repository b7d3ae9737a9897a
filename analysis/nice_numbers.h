// Round numbers for axes: the steps between ticks of charts and time axes. Header-only.
//
// Thread-safety: pure functions.
#pragma once

#include <cmath>

namespace vmm::analysis {

// The smallest of 1, 2 and 5 x 10^k (any integer k) that is at least `x` (> 0).
inline double NiceAtLeast(double x) {
  const double decade = std::pow(10, std::floor(std::log10(x)));
  for (const double multiple : {1.0, 2.0, 5.0}) {
    if (multiple * decade >= x * (1 - 1e-12)) return multiple * decade;
  }
  return 10 * decade;
}

}  // namespace vmm::analysis
