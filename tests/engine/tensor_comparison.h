// Helpers the engine's numerical tests share: how far a tensor is from the expected one, and
// weights at the scale of trained ones.
#pragma once

#include <cmath>

#include <torch/torch.h>

namespace vmm::engine {

// Largest difference relative to the largest magnitude of `expected`.
inline double RelativeDifference(const torch::Tensor& actual, const torch::Tensor& expected) {
  return (actual - expected).abs().max().item<double>() /
         expected.abs().max().clamp_min(1e-12).item<double>();
}

// Weights that keep activations of order one (the scale of trained weights, unlike the release's
// initialisation), so that rounding differences show.
inline torch::Tensor UnitGainWeights(int64_t out, int64_t in, int64_t kernel) {
  return torch::randn({out, in, kernel, kernel}) * std::sqrt(2.0 / double(in * kernel * kernel));
}

}  // namespace vmm::engine
