// What a classic magnification method measures and changes: its motion signal. The classic
// magnifier (classic_magnifier.h) pairs or filters the signals of frames over time exactly as
// the learned method pairs or filters the network's shape representation, then asks the method
// to render each frame with its signal changed.
//   phase:  the phases of the bands of a complex steerable pyramid of the luminance (Y of YIQ),
//           the chrominance kept (Wadhwa et al. 2013); a change is smoothed by an
//           amplitude-weighted Gaussian and limited to +-pi per band coefficient, so motion too
//           large for a band is attenuated rather than torn apart;
//   riesz:  the quaternionic phases of the bands of a Riesz pyramid of the luminance (Wadhwa et
//           al. 2014): a Laplacian pyramid and a three-tap Riesz transform instead of the
//           complex steerable pyramid, several times faster; the same smoothing and limit;
//   linear: the RGB intensities themselves (Wu et al. 2012); a change is smoothed by a small
//           Gaussian so single-pixel noise is not what gets amplified; with `color`, the
//           intensities of a coarse Gaussian pyramid level (1/16 of each side), expanded back,
//           so the colour of regions is amplified rather than motion.
//
// Thread-safety: a MotionSignal holds filters for one frame size; Analyse and Render are const.
#pragma once

#include <memory>
#include <vector>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"

namespace vmm::methods {

// A batch of frames as a method sees them.
struct SignalAnalysis {
  torch::Tensor signal;               // real [N, K]: what is compared across frames
  std::vector<torch::Tensor> carry;   // what rendering needs besides (per method)
};

// One classic method's signal, for frames of one (padded) size.
class MotionSignal {
 public:
  virtual ~MotionSignal() = default;
  // Frames float [N, 3, H, W] in [-1, 1].
  virtual SignalAnalysis Analyse(const torch::Tensor& frames) const = 0;
  // `to` - `from` of two signals [N, K] (phases wrapped to (-pi, pi]).
  virtual torch::Tensor Difference(const torch::Tensor& to, const torch::Tensor& from) const = 0;
  // The frames of `analysis` with their signals changed by `change` [N, K] (already scaled by
  // alpha - 1): float [N, 3, H, W] in [-1, 1].
  virtual torch::Tensor Render(const SignalAnalysis& analysis,
                               const torch::Tensor& change) const = 0;
};

// The signal of `params.method` (kPhase, kRiesz or kLinear, with `params.color`) for frames
// `height` x `width`, which must be multiples of 16; INVALID_ARGUMENT for the learned method or
// a size the pyramid cannot take.
absl::StatusOr<std::unique_ptr<MotionSignal>> MakeMotionSignal(const common::MagnifyParams& params,
                                                               int64_t height, int64_t width);

}  // namespace vmm::methods
