// The Laplacian pyramid (Burt and Adelson 1983) with the 5-tap binomial filter, and the Riesz
// transform of its bands that makes the Riesz pyramid (Wadhwa, Rubinstein, Durand and Freeman,
// "Riesz pyramids for fast phase-based video magnification", ICCP 2014). Images are float
// [M, H, W], any size; a level halves each side, rounding up. Reconstruction is exact whatever
// the bands hold, because each band is defined as what the expansion of the next level misses.
//
// The paper's three-tap Riesz approximation [0.5, 0, -0.5] suits bands designed to be narrow
// around half the band's Nyquist rate; the binomial Laplacian's bands are wider, and with it a
// 24 px sway was magnified to about half of alpha (tests/methods). The transform here is exact,
// in the frequency domain (-i k / |k|), which costs two FFTs per band and component.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace vmm::methods {

// A Laplacian pyramid: band-pass levels, finest first, and the low-pass residual.
struct LaplacianPyramid {
  std::vector<torch::Tensor> bands;
  torch::Tensor lowpass;
};

// Blurs with the binomial [1 4 6 4 1] / 16 and keeps every other row and column:
// [M, H, W] -> [M, ceil(H/2), ceil(W/2)]. REQUIRES: H, W >= 3.
torch::Tensor GaussianReduce(const torch::Tensor& images);

// The inverse step: puts `images` on every other row and column of [M, height, width] zeros and
// blurs with twice the binomial. REQUIRES: images [M, ceil(height/2), ceil(width/2)].
torch::Tensor GaussianExpand(const torch::Tensor& images, int64_t height, int64_t width);

// Number of band levels BuildLaplacianPyramid makes for `height` x `width`: as many as keep the
// low-pass residual at least 8 pixels on its shorter side, at most `max_levels`; 0 for images
// smaller than 16 on a side.
int LaplacianLevels(int64_t height, int64_t width, int max_levels);

// Decomposes `images` into LaplacianLevels(H, W, max_levels) bands and a residual.
LaplacianPyramid BuildLaplacianPyramid(const torch::Tensor& images, int max_levels);

// The images a pyramid came from (or, with changed bands, the changed images).
torch::Tensor CollapseLaplacianPyramid(const LaplacianPyramid& pyramid);

// The two components of a band's Riesz transform: across columns (r1, -i k_x / |k|) and across
// rows (r2, -i k_y / |k|), the band taken as periodic. For cos(k x) they are sin(k x) and 0:
// together with the band they give its local amplitude, phase and orientation.
struct RieszPair {
  torch::Tensor r1;
  torch::Tensor r2;
};
RieszPair RieszTransform(const torch::Tensor& band);

}  // namespace vmm::methods
