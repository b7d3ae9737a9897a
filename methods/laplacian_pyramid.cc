#include "methods/laplacian_pyramid.h"

#include <algorithm>

#include <torch/torch.h>

#include "methods/phase_magnify.h"

namespace vmm::methods {
namespace {

using torch::indexing::None;
using torch::indexing::Slice;

const std::vector<double> kBinomial = {1.0 / 16, 4.0 / 16, 6.0 / 16, 4.0 / 16, 1.0 / 16};
const std::vector<double> kDoubleBinomial = {2.0 / 16, 8.0 / 16, 12.0 / 16, 8.0 / 16, 2.0 / 16};
constexpr int64_t kMinResidualSide = 8;

}  // namespace

torch::Tensor GaussianReduce(const torch::Tensor& images) {
  return SeparableFilter(images, kBinomial)
      .index({Slice(), Slice(None, None, 2), Slice(None, None, 2)})
      .contiguous();
}

torch::Tensor GaussianExpand(const torch::Tensor& images, int64_t height, int64_t width) {
  torch::Tensor spread = torch::zeros({images.size(0), height, width}, images.options());
  spread.index_put_({Slice(), Slice(None, None, 2), Slice(None, None, 2)}, images);
  return SeparableFilter(spread, kDoubleBinomial);
}

int LaplacianLevels(int64_t height, int64_t width, int max_levels) {
  int levels = 0;
  int64_t side = std::min(height, width);
  while (levels < max_levels && (side + 1) / 2 >= kMinResidualSide) {
    side = (side + 1) / 2;
    ++levels;
  }
  return levels;
}

LaplacianPyramid BuildLaplacianPyramid(const torch::Tensor& images, int max_levels) {
  LaplacianPyramid pyramid;
  const int levels = LaplacianLevels(images.size(-2), images.size(-1), max_levels);
  torch::Tensor current = images;
  for (int level = 0; level < levels; ++level) {
    torch::Tensor coarser = GaussianReduce(current);
    pyramid.bands.push_back(current - GaussianExpand(coarser, current.size(1), current.size(2)));
    current = std::move(coarser);
  }
  pyramid.lowpass = current;
  return pyramid;
}

torch::Tensor CollapseLaplacianPyramid(const LaplacianPyramid& pyramid) {
  torch::Tensor current = pyramid.lowpass;
  for (auto band = pyramid.bands.rbegin(); band != pyramid.bands.rend(); ++band) {
    current = *band + GaussianExpand(current, band->size(1), band->size(2));
  }
  return current;
}

RieszPair RieszTransform(const torch::Tensor& band) {
  const int64_t height = band.size(1), width = band.size(2);
  const auto real = torch::TensorOptions().dtype(band.scalar_type()).device(band.device());
  // Frequencies of the half spectrum rfft2 keeps: all rows, columns 0..width/2.
  const torch::Tensor ky = torch::fft::fftfreq(height, real).view({height, 1});
  const torch::Tensor kx = torch::fft::rfftfreq(width, real).view({1, width / 2 + 1});
  const torch::Tensor length = torch::sqrt(kx.square() + ky.square()).clamp_min(1e-12);
  const torch::Tensor spectrum = torch::fft::rfft2(band);
  const torch::Tensor minus_i = torch::complex(torch::zeros({}, real), -torch::ones({}, real));
  auto component = [&](const torch::Tensor& k) {
    return torch::fft::irfft2(spectrum * (minus_i * (k / length)), {{height, width}});
  };
  return RieszPair{component(kx), component(ky)};
}

}  // namespace vmm::methods
