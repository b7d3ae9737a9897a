// The magnification methods the evaluation compares, behind one interface: each makes the
// magnified frame from two input frames (A, B) and alpha, and is scored against the target.
//   reference: frame B itself (the paper's baseline: what doing nothing scores);
//   linear:    two-frame linear Eulerian, Y = B + (alpha - 1) (B - A) per pixel (Wu et al. 2012
//              without their spatial decomposition or temporal filter), clipped;
//   phase:     two-frame phase-based (methods/phase_magnify.h, the product's library);
//   riesz:     the product's streaming Riesz-pyramid magnifier (methods/classic_magnifier.h)
//              in static mode with A as the reference, 8-bit frames in and out as `vmm
//              magnify --method riesz` works;
//   learned:   the network (encoder once per frame, manipulator, decoder), clipped.
//
// Thread-safety: Magnify is const; the reference, linear and phase methods are safe to call
// concurrently; the learned one follows LibTorch inference rules (safe under InferenceMode).
#pragma once

#include <memory>
#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "engine/network.h"
#include "methods/phase_magnify.h"

namespace vmm::train::eval {

using methods::PhaseMagnifyOptions;

// One way of magnifying motion between two frames.
class MagnificationMethod {
 public:
  virtual ~MagnificationMethod() = default;
  // Short name for tables and plots, e.g. "phase".
  virtual std::string name() const = 0;
  // Frames float [N, 3, H, W] in [-1, 1] on the CPU; returns float [N, 3, H, W] in [-1, 1]
  // (contiguous, on the CPU).
  virtual absl::StatusOr<torch::Tensor> Magnify(const torch::Tensor& frame_a,
                                                const torch::Tensor& frame_b,
                                                double alpha) const = 0;
};

// Y = B + (alpha - 1) (B - A), clipped to [-1, 1].
torch::Tensor LinearMagnify(const torch::Tensor& frame_a, const torch::Tensor& frame_b,
                            double alpha);

// Runs `net` (eval mode, on `device`) on the pair: both frames encoded once, the manipulator on
// M_b - M_a, the decoder on B's texture; clipped to [-1, 1]. INVALID_ARGUMENT for frames that
// are not [N, 3, H, W] of one shape with H and W multiples of 4; INTERNAL for a LibTorch error.
absl::StatusOr<torch::Tensor> LearnedMagnify(engine::MagnificationNetImpl& net,
                                             torch::Device device, const torch::Tensor& frame_a,
                                             const torch::Tensor& frame_b, double alpha);

// The baseline: returns B.
std::unique_ptr<MagnificationMethod> MakeReferenceMethod();
// The linear Eulerian method.
std::unique_ptr<MagnificationMethod> MakeLinearMethod();
// The phase-based method with `options`, named `name`.
std::unique_ptr<MagnificationMethod> MakePhaseBasedMethod(const PhaseMagnifyOptions& options,
                                                          std::string name = "phase");
// A classic method of the product (`method`, not kLearned) as `vmm magnify --method` runs it in
// static mode, pair by pair; named by the method.
std::unique_ptr<MagnificationMethod> MakeProductMethod(common::Method method);
// The learned method; `net` is shared and must be ready for inference on `device`. With
// `limit_chroma`, its output goes through the product's chroma limit against B
// (engine/chroma_limit.h), at 8 bits, as `vmm magnify` writes it.
std::unique_ptr<MagnificationMethod> MakeLearnedMethod(engine::MagnificationNet net,
                                                       torch::Device device,
                                                       std::string name = "learned",
                                                       bool limit_chroma = false);

}  // namespace vmm::train::eval
