// A complex steerable pyramid built in the frequency domain (Portilla and Simoncelli 2000; the
// representation of Wadhwa et al., "Phase-based video motion processing", SIGGRAPH 2013), with
// octave-wide bands. With r the radial frequency (radians per pixel) and
//   Lp(r; c) = 1 below c/2, cos(pi/2 * log2(2r/c)) between c/2 and c, 0 above c,
//   Hp(r; c) = sqrt(1 - Lp(r; c)^2),
// the filters are: high-pass residual Hp(r; pi); band (level l, orientation k)
// Lp(r; pi/2^l) * Hp(r; pi/2^(l+1)) * 2 * a_n * cos(theta - pi*k/n)^(n-1) on the half plane where
// the cosine is positive (so each band is complex, the analytic version of the real steerable
// band); low-pass residual Lp(r; pi/2^L). Their squares sum to one, so collapsing the unchanged
// pyramid (every filter applied a second time and the real part taken) returns the image.
// Level l is stored at 1/2^l of the image size (its spectrum is cropped, which loses nothing
// because the band is zero beyond pi/2^l), the low-pass residual at 1/2^L.
//
// Thread-safety: a SteerablePyramid is immutable after Create; Decompose and Collapse are const
// and safe to call concurrently. Tensors live on the device they were given on.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace vmm::methods {

// Shape of the pyramid.
struct PyramidOptions {
  int orientations = 4;  // n, orientations per level (at least 1)
  int levels = 0;        // L, band levels; 0: as many as fit (smallest band at least 16 px)
};

// The coefficients of a batch of single-channel images [N, H, W].
struct PyramidCoefficients {
  torch::Tensor highpass;             // real [N, H, W]
  std::vector<torch::Tensor> bands;   // per level l: complex [N, n, H/2^l, W/2^l]
  torch::Tensor lowpass;              // real [N, H/2^L, W/2^L]
};

// Analysis and synthesis filters for one image size.
class SteerablePyramid {
 public:
  // Filters for `height` x `width` images. INVALID_ARGUMENT unless both sizes are even, at least
  // 8, divisible by 2^levels, and orientations >= 1.
  static absl::StatusOr<SteerablePyramid> Create(int64_t height, int64_t width,
                                                 const PyramidOptions& options,
                                                 torch::Device device = torch::kCPU);

  // Splits float images [N, H, W] into the pyramid's coefficients.
  PyramidCoefficients Decompose(const torch::Tensor& images) const;

  // Rebuilds float images [N, H, W] from (possibly modified) coefficients.
  torch::Tensor Collapse(const PyramidCoefficients& coefficients) const;

  // Number of band levels (L) and of orientations per level (n).
  int levels() const { return static_cast<int>(band_filters_.size()); }
  int orientations() const { return orientations_; }

  // Levels that fit an image of this size when `levels` is 0 in the options.
  static int AutomaticLevels(int64_t height, int64_t width);

 private:
  SteerablePyramid() = default;

  int64_t height_ = 0, width_ = 0;
  int orientations_ = 0;
  torch::Tensor highpass_filter_;            // [H, W], centred spectrum (fftshift layout)
  std::vector<torch::Tensor> band_filters_;  // per level: [n, H/2^l, W/2^l], centred, cropped
  torch::Tensor lowpass_filter_;             // [H/2^L, W/2^L], centred, cropped
};

}  // namespace vmm::methods
