#include "engine/chroma_limit.h"

#include <torch/torch.h>

namespace vmm::engine {
namespace {

// Largest value over a (2 radius + 1)^2 window of [N, C, H, W], as two 1-D passes.
torch::Tensor WindowMax(const torch::Tensor& planes, int radius) {
  namespace F = torch::nn::functional;
  const int64_t size = 2 * radius + 1;
  torch::Tensor rows = F::max_pool2d(
      planes, F::MaxPool2dFuncOptions({1, size}).stride(1).padding({0, radius}));
  return F::max_pool2d(rows, F::MaxPool2dFuncOptions({size, 1}).stride(1).padding({radius, 0}));
}

}  // namespace

torch::Tensor LimitChromaToNeighbourhood(const torch::Tensor& output, const torch::Tensor& input,
                                         int radius) {
  torch::NoGradGuard no_grad;
  // [N, 3, H, W] float in 0..255.
  const torch::Tensor out = output.permute({0, 3, 1, 2}).to(torch::kFloat);
  const torch::Tensor in = input.permute({0, 3, 1, 2}).to(torch::kFloat);
  auto luma = [](const torch::Tensor& rgb) {
    return 0.299f * rgb.select(1, 0) + 0.587f * rgb.select(1, 1) + 0.114f * rgb.select(1, 2);
  };
  // Chroma planes [N, 2, H, W]: B - Y, R - Y.
  auto chroma = [](const torch::Tensor& rgb, const torch::Tensor& y) {
    return torch::stack({rgb.select(1, 2) - y, rgb.select(1, 0) - y}, 1);
  };
  const torch::Tensor in_chroma = chroma(in, luma(in));
  // Reflection is not needed: max_pool2d pads with -inf, so edge windows are just smaller.
  const int clamped_radius =
      static_cast<int>(std::min<int64_t>(radius, (std::min(in.size(2), in.size(3)) - 1) / 2));
  const torch::Tensor highest = WindowMax(in_chroma, clamped_radius);
  const torch::Tensor lowest = -WindowMax(-in_chroma, clamped_radius);

  const torch::Tensor y = luma(out);
  const torch::Tensor limited = torch::max(torch::min(chroma(out, y), highest), lowest);
  const torch::Tensor blue = y + limited.select(1, 0);
  const torch::Tensor red = y + limited.select(1, 1);
  const torch::Tensor green = (y - 0.299f * red - 0.114f * blue) / 0.587f;
  return torch::stack({red, green, blue}, 3).round().clamp(0, 255).to(torch::kUInt8).contiguous();
}

}  // namespace vmm::engine
