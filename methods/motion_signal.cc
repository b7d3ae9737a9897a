#include "methods/motion_signal.h"

#include <cmath>
#include <utility>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "methods/phase_magnify.h"
#include "methods/steerable_pyramid.h"

namespace vmm::methods {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Smoothing of a phase change, in pixels of the band's own resolution (as the evaluation's
// two-frame method), and of an intensity change, in pixels.
constexpr double kPhaseSigma = 2.0;
constexpr double kIntensitySigma = 1.5;

// The phases of the luminance's pyramid bands. carry: [0] YIQ frames, [1] high-pass residual,
// [2] low-pass residual, [3...] the complex bands per level.
class PhaseSignal : public MotionSignal {
 public:
  explicit PhaseSignal(SteerablePyramid pyramid) : pyramid_(std::move(pyramid)) {}

  SignalAnalysis Analyse(const torch::Tensor& frames) const override {
    const torch::Tensor yiq = RgbToYiq(frames.to(torch::kFloat)).contiguous();
    PyramidCoefficients coefficients = pyramid_.Decompose(yiq.select(1, 0).contiguous());
    SignalAnalysis analysis;
    analysis.carry = {yiq, coefficients.highpass, coefficients.lowpass};
    std::vector<torch::Tensor> phases;
    for (torch::Tensor& band : coefficients.bands) {
      phases.push_back(torch::angle(band).flatten(1));
      analysis.carry.push_back(std::move(band));
    }
    analysis.signal = torch::cat(phases, 1);
    return analysis;
  }

  torch::Tensor Difference(const torch::Tensor& to, const torch::Tensor& from) const override {
    return torch::remainder(to - from + kPi, 2 * kPi) - kPi;
  }

  torch::Tensor Render(const SignalAnalysis& analysis,
                       const torch::Tensor& change) const override {
    PyramidCoefficients coefficients;
    coefficients.highpass = analysis.carry[1];
    coefficients.lowpass = analysis.carry[2];
    int64_t offset = 0;
    for (size_t level = 3; level < analysis.carry.size(); ++level) {
      const torch::Tensor& band = analysis.carry[level];
      const int64_t count = band[0].numel();
      const torch::Tensor band_change = change.narrow(1, offset, count).view(band.sizes());
      offset += count;
      const torch::Tensor smoothed =
          WeightedGaussianSmooth(band_change.flatten(0, 1), torch::abs(band).flatten(0, 1),
                                 kPhaseSigma)
              .view(band.sizes())
              .clamp(-kPi, kPi);
      coefficients.bands.push_back(band * torch::polar(torch::ones_like(smoothed), smoothed));
    }
    const torch::Tensor& yiq = analysis.carry[0];
    const torch::Tensor luminance = pyramid_.Collapse(coefficients);
    return YiqToRgb(torch::cat({luminance.unsqueeze(1), yiq.slice(1, 1, 3)}, 1)).clamp(-1, 1);
  }

 private:
  SteerablePyramid pyramid_;
};

// The intensities. carry: [0] the frames.
class LinearSignal : public MotionSignal {
 public:
  SignalAnalysis Analyse(const torch::Tensor& frames) const override {
    SignalAnalysis analysis;
    analysis.carry = {frames.to(torch::kFloat).contiguous()};
    analysis.signal = analysis.carry[0].flatten(1);
    return analysis;
  }

  torch::Tensor Difference(const torch::Tensor& to, const torch::Tensor& from) const override {
    return to - from;
  }

  torch::Tensor Render(const SignalAnalysis& analysis,
                       const torch::Tensor& change) const override {
    const torch::Tensor& frames = analysis.carry[0];
    const torch::Tensor smoothed =
        GaussianBlur(change.reshape({-1, frames.size(2), frames.size(3)}), kIntensitySigma)
            .view(frames.sizes());
    return (frames + smoothed).clamp(-1, 1);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<MotionSignal>> MakeMotionSignal(common::Method method,
                                                               int64_t height, int64_t width) {
  switch (method) {
    case common::Method::kPhase: {
      absl::StatusOr<SteerablePyramid> pyramid =
          SteerablePyramid::Create(height, width, PyramidOptions{});
      if (!pyramid.ok()) return pyramid.status();
      return std::unique_ptr<MotionSignal>(new PhaseSignal(*std::move(pyramid)));
    }
    case common::Method::kLinear:
      return std::unique_ptr<MotionSignal>(new LinearSignal());
    case common::Method::kLearned:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the ", common::MethodName(method), " method has no classic motion signal"));
}

}  // namespace vmm::methods
