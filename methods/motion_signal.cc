#include "methods/motion_signal.h"

#include <cmath>
#include <utility>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "methods/laplacian_pyramid.h"
#include "methods/phase_magnify.h"
#include "methods/steerable_pyramid.h"

namespace vmm::methods {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Smoothing of a phase change, in pixels of the band's own resolution (as the evaluation's
// two-frame method), and of an intensity change, in pixels.
constexpr double kPhaseSigma = 2.0;
constexpr double kIntensitySigma = 1.5;
// Band levels of the Riesz pyramid at most (its coarsest band is at 1/2^(levels-1) of the size).
constexpr int kRieszMaxLevels = 5;
// The colour signal's Gaussian pyramid level (1/16 of each side), Wu et al.'s for faces.
constexpr int kColorLevel = 4;
// Below this local amplitude (of luminance in [-1, 1]) a Riesz band's orientation is undefined.
constexpr float kRieszEpsilon = 1e-6F;

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

// The quaternionic phases (phase x orientation: phi cos(theta), phi sin(theta)) of the bands of
// the luminance's Riesz pyramid, band by band as [2, h, w]. carry: [0] YIQ frames, [1] low-pass
// residual, then per band five tensors: the band, the magnitude of its Riesz pair, cos(theta),
// sin(theta) and the local amplitude.
class RieszSignal : public MotionSignal {
 public:
  RieszSignal(int64_t height, int64_t width) : levels_(LaplacianLevels(height, width,
                                                                       kRieszMaxLevels)) {
    for (int level = 0; level < levels_; ++level) {
      band_pixels_.push_back(height * width);
      height = (height + 1) / 2;
      width = (width + 1) / 2;
    }
  }

  SignalAnalysis Analyse(const torch::Tensor& frames) const override {
    const torch::Tensor yiq = RgbToYiq(frames.to(torch::kFloat)).contiguous();
    LaplacianPyramid pyramid = BuildLaplacianPyramid(yiq.select(1, 0), levels_);
    SignalAnalysis analysis;
    analysis.carry = {yiq, pyramid.lowpass};
    std::vector<torch::Tensor> phases;
    for (torch::Tensor& band : pyramid.bands) {
      const RieszPair riesz = RieszTransform(band);
      const torch::Tensor quadrature = torch::sqrt(riesz.r1.square() + riesz.r2.square());
      const torch::Tensor safe = quadrature.clamp_min(kRieszEpsilon);
      const torch::Tensor cosine = riesz.r1 / safe, sine = riesz.r2 / safe;
      const torch::Tensor phase = torch::atan2(quadrature, band);
      phases.push_back(torch::stack({phase * cosine, phase * sine}, 1).flatten(1));
      torch::Tensor amplitude = torch::sqrt(band.square() + quadrature.square());
      analysis.carry.insert(analysis.carry.end(), {std::move(band), quadrature, cosine, sine,
                                                   std::move(amplitude)});
    }
    analysis.signal = torch::cat(phases, 1);
    return analysis;
  }

  // Per pixel the difference of the two phase vectors, its length wrapped into [0, pi] as a
  // phase difference is.
  torch::Tensor Difference(const torch::Tensor& to, const torch::Tensor& from) const override {
    std::vector<torch::Tensor> parts;
    int64_t offset = 0;
    for (const int64_t pixels : band_pixels_) {
      const torch::Tensor difference =
          (to.narrow(1, offset, 2 * pixels) - from.narrow(1, offset, 2 * pixels))
              .view({-1, 2, pixels});
      offset += 2 * pixels;
      const torch::Tensor length = difference.norm(2, 1, /*keepdim=*/true);
      const torch::Tensor wrapped = torch::remainder(length + kPi, 2 * kPi) - kPi;
      parts.push_back(
          (difference * (wrapped / length.clamp_min(kRieszEpsilon))).flatten(1));
    }
    return torch::cat(parts, 1);
  }

  // Each band shifted by its smoothed phase change along its own orientation:
  // I' = I cos(d) - Q sin(d), d limited to +-pi.
  torch::Tensor Render(const SignalAnalysis& analysis,
                       const torch::Tensor& change) const override {
    LaplacianPyramid pyramid;
    pyramid.lowpass = analysis.carry[1];
    int64_t offset = 0;
    for (int level = 0; level < levels_; ++level) {
      const torch::Tensor* parts = &analysis.carry[2 + 5 * level];
      const torch::Tensor& band = parts[0];
      const int64_t count = 2 * band[0].numel();
      const int64_t n = band.size(0), height = band.size(1), width = band.size(2);
      const torch::Tensor band_change =
          change.narrow(1, offset, count).reshape({n * 2, height, width});
      offset += count;
      const torch::Tensor weights = parts[4].repeat_interleave(2, 0);
      const torch::Tensor smoothed =
          WeightedGaussianSmooth(band_change, weights, kPhaseSigma).view({n, 2, height, width});
      const torch::Tensor shift =
          (smoothed.select(1, 0) * parts[2] + smoothed.select(1, 1) * parts[3]).clamp(-kPi, kPi);
      pyramid.bands.push_back(band * torch::cos(shift) - parts[1] * torch::sin(shift));
    }
    const torch::Tensor& yiq = analysis.carry[0];
    const torch::Tensor luminance = CollapseLaplacianPyramid(pyramid);
    return YiqToRgb(torch::cat({luminance.unsqueeze(1), yiq.slice(1, 1, 3)}, 1)).clamp(-1, 1);
  }

 private:
  int levels_;
  std::vector<int64_t> band_pixels_;  // per band level, finest first
};

// Colour amplification (Wu et al. 2012): the RGB intensities of a coarse level of the Gaussian
// pyramid, where noise is averaged away and what is left is the colour of regions. A change is
// expanded back to full size and added. carry: [0] the frames. Differences as LinearSignal's.
class ColorSignal : public LinearSignal {
 public:
  SignalAnalysis Analyse(const torch::Tensor& frames) const override {
    SignalAnalysis analysis;
    analysis.carry = {frames.to(torch::kFloat).contiguous()};
    torch::Tensor coarse = analysis.carry[0].flatten(0, 1);
    for (int level = 0; level < kColorLevel; ++level) coarse = GaussianReduce(coarse);
    analysis.signal = coarse.reshape({frames.size(0), -1});
    return analysis;
  }

  torch::Tensor Render(const SignalAnalysis& analysis,
                       const torch::Tensor& change) const override {
    const torch::Tensor& frames = analysis.carry[0];
    std::vector<std::pair<int64_t, int64_t>> sizes;
    int64_t height = frames.size(2), width = frames.size(3);
    for (int level = 0; level < kColorLevel; ++level) {
      sizes.emplace_back(height, width);
      height = (height + 1) / 2;
      width = (width + 1) / 2;
    }
    torch::Tensor expanded = change.reshape({-1, height, width});
    for (auto size = sizes.rbegin(); size != sizes.rend(); ++size) {
      expanded = GaussianExpand(expanded, size->first, size->second);
    }
    return (frames + expanded.view(frames.sizes())).clamp(-1, 1);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<MotionSignal>> MakeMotionSignal(const common::MagnifyParams& params,
                                                               int64_t height, int64_t width) {
  const common::Method method = params.method;
  switch (method) {
    case common::Method::kPhase: {
      absl::StatusOr<SteerablePyramid> pyramid =
          SteerablePyramid::Create(height, width, PyramidOptions{});
      if (!pyramid.ok()) return pyramid.status();
      return std::unique_ptr<MotionSignal>(new PhaseSignal(*std::move(pyramid)));
    }
    case common::Method::kLinear:
      if (params.color) return std::unique_ptr<MotionSignal>(new ColorSignal());
      return std::unique_ptr<MotionSignal>(new LinearSignal());
    case common::Method::kRiesz:
      return std::unique_ptr<MotionSignal>(new RieszSignal(height, width));
    case common::Method::kLearned:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the ", common::MethodName(method), " method has no classic motion signal"));
}

}  // namespace vmm::methods
