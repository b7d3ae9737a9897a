#include "methods/phase_magnify.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"

namespace vmm::methods {
namespace {

namespace F = torch::nn::functional;

// RGB -> YIQ (NTSC) as rows Y, I, Q.
torch::Tensor YiqMatrix() {
  return torch::tensor({0.299, 0.587, 0.114, 0.595716, -0.274453, -0.321263, 0.211456,
                        -0.522591, 0.311135},
                       torch::kFloat)
      .view({3, 3});
}

// Applies a 3x3 colour matrix to [N, 3, H, W].
torch::Tensor MixChannels(const torch::Tensor& matrix, const torch::Tensor& frames) {
  return torch::einsum("ij,njhw->nihw", {matrix.to(frames.device()), frames});
}

// Blurs along `dim` (-1 or -2) of [M, 1, H, W] with `taps` (odd count), reflecting at the ends.
torch::Tensor Blur1d(const torch::Tensor& images, const std::vector<double>& taps, int64_t dim) {
  const int64_t radius = static_cast<int64_t>(taps.size()) / 2;
  const int64_t size = images.size(dim);
  const std::vector<int64_t> pad = dim == -1 ? std::vector<int64_t>{radius, radius, 0, 0}
                                             : std::vector<int64_t>{0, 0, radius, radius};
  const torch::Tensor padded =
      F::pad(images, F::PadFuncOptions(pad).mode(torch::kReflect)).contiguous();
  torch::Tensor out = padded.narrow(dim, 0, size) * taps[0];
  for (size_t k = 1; k < taps.size(); ++k) out.add_(padded.narrow(dim, k, size), taps[k]);
  return out;
}

}  // namespace

// As sums of shifted copies, which is much faster on the CPU than a one-channel convolution.
torch::Tensor GaussianBlur(const torch::Tensor& images, double sigma) {
  const int64_t height = images.size(-2), width = images.size(-1);
  const int64_t radius = std::min<int64_t>({static_cast<int64_t>(std::ceil(3 * sigma)),
                                            height - 1, width - 1});
  if (sigma <= 0 || radius < 1) return images;
  std::vector<double> taps(2 * radius + 1);
  double total = 0;
  for (int64_t k = -radius; k <= radius; ++k) {
    total += taps[k + radius] = std::exp(-0.5 * k * k / (sigma * sigma));
  }
  for (double& tap : taps) tap /= total;
  return SeparableFilter(images, taps);
}

torch::Tensor SeparableFilter(const torch::Tensor& images, const std::vector<double>& taps) {
  return Blur1d(Blur1d(images.unsqueeze(1), taps, -1), taps, -2).squeeze(1);
}

torch::Tensor RgbToYiq(const torch::Tensor& frames) { return MixChannels(YiqMatrix(), frames); }

torch::Tensor YiqToRgb(const torch::Tensor& frames) {
  return MixChannels(torch::inverse(YiqMatrix()), frames);
}

namespace {

// Magnifies single-channel images [M, H, W].
torch::Tensor MagnifyChannels(const SteerablePyramid& pyramid, const torch::Tensor& a,
                              const torch::Tensor& b, double alpha, double sigma) {
  const PyramidCoefficients from = pyramid.Decompose(a);
  PyramidCoefficients to = pyramid.Decompose(b);
  for (size_t level = 0; level < to.bands.size(); ++level) {
    const torch::Tensor& band_a = from.bands[level];
    torch::Tensor& band_b = to.bands[level];
    const torch::Tensor phase_difference = torch::angle(band_b * torch::conj(band_a));
    const torch::Tensor amplitude = torch::abs(band_b);
    const auto sizes = band_b.sizes();
    const torch::Tensor smoothed =
        WeightedGaussianSmooth(phase_difference.flatten(0, 1), amplitude.flatten(0, 1), sigma)
            .view(sizes);
    band_b = band_b * torch::polar(torch::ones_like(smoothed), smoothed * (alpha - 1));
  }
  return pyramid.Collapse(to);
}

}  // namespace

torch::Tensor WeightedGaussianSmooth(const torch::Tensor& values, const torch::Tensor& weights,
                                     double sigma) {
  if (sigma <= 0) return values;
  const torch::Tensor numerator = GaussianBlur(values * weights, sigma);
  const torch::Tensor denominator = GaussianBlur(weights, sigma);
  return numerator / denominator.clamp_min(1e-12);
}

absl::StatusOr<torch::Tensor> PhaseBasedMagnify(const torch::Tensor& frame_a,
                                                const torch::Tensor& frame_b, double alpha,
                                                const PhaseMagnifyOptions& options) {
  if (frame_a.dim() != 4 || frame_a.size(1) != 3 || frame_a.sizes() != frame_b.sizes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "phase-based magnification needs two [N, 3, H, W] frames of one shape; got ",
        c10::str(frame_a.sizes()), " and ", c10::str(frame_b.sizes())));
  }
  const int64_t n = frame_a.size(0), height = frame_a.size(2), width = frame_a.size(3);
  auto pyramid = SteerablePyramid::Create(height, width, options.pyramid, frame_a.device());
  if (!pyramid.ok()) return pyramid.status();
  torch::NoGradGuard no_grad;
  const torch::Tensor a = frame_a.to(torch::kFloat).contiguous();
  const torch::Tensor b = frame_b.to(torch::kFloat).contiguous();
  torch::Tensor result;
  if (options.luminance_only) {
    const torch::Tensor to_yiq = YiqMatrix();
    const torch::Tensor yiq_a = MixChannels(to_yiq, a), yiq_b = MixChannels(to_yiq, b);
    const torch::Tensor luminance =
        MagnifyChannels(*pyramid, yiq_a.select(1, 0), yiq_b.select(1, 0), alpha,
                        options.phase_sigma);
    const torch::Tensor yiq = torch::cat({luminance.unsqueeze(1), yiq_b.slice(1, 1, 3)}, 1);
    result = MixChannels(torch::inverse(to_yiq), yiq);
  } else {
    result = MagnifyChannels(*pyramid, a.reshape({n * 3, height, width}),
                             b.reshape({n * 3, height, width}), alpha, options.phase_sigma)
                 .view({n, 3, height, width});
  }
  return result.clamp(-1, 1).contiguous();
}

}  // namespace vmm::methods
