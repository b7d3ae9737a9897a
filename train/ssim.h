// Structural similarity (SSIM) of Wang, Bovik, Sheikh and Simoncelli (IEEE TIP 2004), as in
// their reference implementation: an 11x11 Gaussian window with sigma 1.5, K1 = 0.01,
// K2 = 0.03, computed over the 'valid' part of the image (no padding) for every channel, and
// averaged over channels and positions into one score per image. Used by training validation
// and by evaluation.
//
// Thread-safety: a pure function of its inputs.
#pragma once

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace vmm::train {

// Parameters of SSIM; the defaults are the paper's.
struct SsimOptions {
  double data_range = 2.0;  // max - min of the pixel values (2 for frames in [-1, 1])
  int window_size = 11;
  double window_sigma = 1.5;
  double k1 = 0.01;
  double k2 = 0.03;
};

// Mean SSIM of each image pair: `a` and `b` are float [N, C, H, W] of the same shape with H and
// W at least the window size. Returns a float tensor [N]. INVALID_ARGUMENT on shape mismatch or
// images smaller than the window.
absl::StatusOr<torch::Tensor> MeanSsim(const torch::Tensor& a, const torch::Tensor& b,
                                       const SsimOptions& options = {});

}  // namespace vmm::train
