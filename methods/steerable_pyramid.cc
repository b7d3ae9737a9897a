#include "methods/steerable_pyramid.h"

#include <cmath>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"

namespace vmm::methods {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Position of the transition of Lp/Hp(r; cutoff): 0 at or below cutoff/2, 1 at or above cutoff.
torch::Tensor Transition(const torch::Tensor& radius, double cutoff) {
  return torch::log2((2 * radius / cutoff).clamp_min(1e-12)).clamp(0, 1);
}

torch::Tensor LowpassRadial(const torch::Tensor& radius, double cutoff) {
  return torch::where(radius >= cutoff, torch::zeros_like(radius),
                      torch::cos(kPi / 2 * Transition(radius, cutoff)));
}

torch::Tensor HighpassRadial(const torch::Tensor& radius, double cutoff) {
  return torch::where(radius >= cutoff, torch::ones_like(radius),
                      torch::sin(kPi / 2 * Transition(radius, cutoff)));
}

// One-sided angular filter of orientation k of n, doubled: 2 a_n cos(d)^(n-1) where cos(d) > 0.
torch::Tensor AngularFilter(const torch::Tensor& angle, int k, int n) {
  const double a_n = std::pow(2.0, n - 1) * std::tgamma(n) / std::sqrt(n * std::tgamma(2 * n - 1));
  const torch::Tensor cosine = torch::cos(angle - kPi * k / n);
  return torch::where(cosine > 0, 2 * a_n * cosine.pow(n - 1), torch::zeros_like(cosine));
}

// The centred (fftshift layout) `rows` x `cols` middle of a centred spectrum [..., H, W].
torch::Tensor CentreCrop(const torch::Tensor& spectrum, int64_t rows, int64_t cols) {
  const int64_t height = spectrum.size(-2), width = spectrum.size(-1);
  return spectrum.narrow(-2, height / 2 - rows / 2, rows).narrow(-1, width / 2 - cols / 2, cols);
}

torch::Tensor CentredSpectrum(const torch::Tensor& images) {
  return torch::fft::fftshift(torch::fft::fft2(images), std::vector<int64_t>{-2, -1});
}

torch::Tensor FromCentredSpectrum(const torch::Tensor& spectrum) {
  return torch::fft::ifft2(torch::fft::ifftshift(spectrum, std::vector<int64_t>{-2, -1}));
}

}  // namespace

int SteerablePyramid::AutomaticLevels(int64_t height, int64_t width) {
  int levels = 0;
  // Level l (0-based) is min_side / 2^l pixels; the low-pass after L levels needs 2^L | sides.
  while (std::min(height, width) >> levels >= 16 && height % (int64_t{2} << levels) == 0 &&
         width % (int64_t{2} << levels) == 0) {
    ++levels;
  }
  return levels;
}

absl::StatusOr<SteerablePyramid> SteerablePyramid::Create(int64_t height, int64_t width,
                                                          const PyramidOptions& options,
                                                          torch::Device device) {
  if (options.orientations < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pyramid orientations must be at least 1, got ", options.orientations));
  }
  const int levels = options.levels > 0 ? options.levels : AutomaticLevels(height, width);
  const int64_t step = int64_t{1} << levels;
  if (height < 8 || width < 8 || levels < 1 || height % step != 0 || width % step != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a steerable pyramid of ", levels, " levels needs image sides of at least 8 pixels that ",
        "are multiples of ", step, "; got ", width, "x", height));
  }
  torch::NoGradGuard no_grad;
  const auto as_double = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor fy = ((torch::arange(height, as_double) - height / 2) * (2 * kPi / height))
                               .unsqueeze(1);
  const torch::Tensor fx = ((torch::arange(width, as_double) - width / 2) * (2 * kPi / width))
                               .unsqueeze(0);
  const torch::Tensor radius = torch::sqrt(fx * fx + fy * fy);
  const torch::Tensor angle = torch::atan2(fy.expand({height, width}), fx.expand({height, width}));
  auto to_device = [&](const torch::Tensor& t) {
    return t.to(torch::kFloat).contiguous().to(device);
  };

  SteerablePyramid pyramid;
  pyramid.height_ = height;
  pyramid.width_ = width;
  pyramid.orientations_ = options.orientations;
  pyramid.highpass_filter_ = to_device(HighpassRadial(radius, kPi));
  for (int level = 0; level < levels; ++level) {
    const double cutoff = kPi / (1 << level);
    const torch::Tensor radial = LowpassRadial(radius, cutoff) * HighpassRadial(radius, cutoff / 2);
    std::vector<torch::Tensor> oriented;
    for (int k = 0; k < options.orientations; ++k) {
      oriented.push_back(radial * AngularFilter(angle, k, options.orientations));
    }
    pyramid.band_filters_.push_back(
        to_device(CentreCrop(torch::stack(oriented), height >> level, width >> level)));
  }
  pyramid.lowpass_filter_ = to_device(
      CentreCrop(LowpassRadial(radius, kPi / step), height / step, width / step));
  return pyramid;
}

PyramidCoefficients SteerablePyramid::Decompose(const torch::Tensor& images) const {
  const torch::Tensor spectrum = CentredSpectrum(images.to(torch::kFloat));
  PyramidCoefficients out;
  out.highpass = torch::real(FromCentredSpectrum(spectrum * highpass_filter_)).contiguous();
  for (size_t level = 0; level < band_filters_.size(); ++level) {
    const torch::Tensor& filters = band_filters_[level];
    const torch::Tensor crop = CentreCrop(spectrum, filters.size(-2), filters.size(-1));
    out.bands.push_back(FromCentredSpectrum(crop.unsqueeze(1) * filters));
  }
  const torch::Tensor crop =
      CentreCrop(spectrum, lowpass_filter_.size(-2), lowpass_filter_.size(-1));
  out.lowpass = torch::real(FromCentredSpectrum(crop * lowpass_filter_)).contiguous();
  return out;
}

torch::Tensor SteerablePyramid::Collapse(const PyramidCoefficients& coefficients) const {
  torch::Tensor spectrum = CentredSpectrum(coefficients.highpass) * highpass_filter_;
  for (size_t level = 0; level < band_filters_.size(); ++level) {
    const torch::Tensor& filters = band_filters_[level];
    // The real part taken at the end adds each one-sided band to its mirror image, so each
    // doubled band filter, applied twice, contributes half of its square here.
    const torch::Tensor bands = (CentredSpectrum(coefficients.bands[level]) * filters).sum(1);
    CentreCrop(spectrum, filters.size(-2), filters.size(-1)).add_(0.5 * bands);
  }
  CentreCrop(spectrum, lowpass_filter_.size(-2), lowpass_filter_.size(-1))
      .add_(CentredSpectrum(coefficients.lowpass) * lowpass_filter_);
  return torch::real(FromCentredSpectrum(spectrum)).contiguous();
}

}  // namespace vmm::methods
