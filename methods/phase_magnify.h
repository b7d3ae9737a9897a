// Two-frame phase-based motion magnification after Wadhwa, Rubinstein, Durand and Freeman,
// "Phase-based video motion processing" (SIGGRAPH 2013), the baseline of the paper's Fig. 8:
// both frames go through a complex steerable pyramid (steerable_pyramid.h); in every band the
// phase difference B - A, wrapped to (-pi, pi], is smoothed by an amplitude-weighted Gaussian
// (sigma `phase_sigma` pixels at the band's own resolution), multiplied by (alpha - 1) and added
// to B's phase; B's high-pass and low-pass residuals are kept; the pyramid is collapsed and the
// result clipped to [-1, 1]. There is no temporal filter: the difference of the two frames takes
// its place, as for the learned method in static mode.
//
// Thread-safety: a pure function of its inputs.
#pragma once

#include <vector>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "methods/steerable_pyramid.h"

namespace vmm::methods {

// Settings of the phase-based method.
struct PhaseMagnifyOptions {
  PyramidOptions pyramid;    // default: 4 orientations, as many octave levels as fit
  double phase_sigma = 2.0;  // Gaussian smoothing of the phase difference, band pixels; 0: none
  // false: every RGB channel is processed; true: only the luminance (Y of YIQ) is, and B's
  // chrominance (I, Q) is kept, as in the authors' implementation.
  bool luminance_only = false;
};

// Magnifies the motion from `frame_a` to `frame_b` (float [N, 3, H, W] in [-1, 1]) by `alpha`.
// INVALID_ARGUMENT when the frames differ in shape, are not [N, 3, H, W], or do not fit a
// pyramid (see SteerablePyramid::Create).
absl::StatusOr<torch::Tensor> PhaseBasedMagnify(const torch::Tensor& frame_a,
                                                const torch::Tensor& frame_b, double alpha,
                                                const PhaseMagnifyOptions& options = {});

// RGB frames [N, 3, H, W] to YIQ (NTSC) and back.
torch::Tensor RgbToYiq(const torch::Tensor& frames);
torch::Tensor YiqToRgb(const torch::Tensor& frames);

// Filters [M, H, W] along both axes with the same `taps` (odd count), reflecting at the borders
// (each side must be longer than half the taps).
torch::Tensor SeparableFilter(const torch::Tensor& images, const std::vector<double>& taps);

// Separable Gaussian blur of [M, H, W] with `sigma` pixels, reflecting at the borders.
torch::Tensor GaussianBlur(const torch::Tensor& images, double sigma);

// Amplitude-weighted Gaussian smoothing of `values` [M, H, W] with weights `weights` (same
// shape, non-negative): blur(values * weights) / blur(weights), reflecting at the borders.
torch::Tensor WeightedGaussianSmooth(const torch::Tensor& values, const torch::Tensor& weights,
                                     double sigma);

}  // namespace vmm::methods
