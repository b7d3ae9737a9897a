#include "engine/chroma_limit.h"

#include <limits>

#include <torch/torch.h>

namespace vmm::engine {
namespace {

constexpr int kBlock = 4;  // the window is built from kBlock x kBlock blocks

// Largest value of [N, C, H, W] over the window of chroma_limit.h: the largest of each 4x4
// block, then of the blocks within ceil(radius / 4) blocks (two 1-D passes), then back to full
// resolution. A fraction of the cost of the exact (2 radius + 1)^2 window (8.5x less measured at
// radius 32, 640x480).
torch::Tensor WindowMax(const torch::Tensor& planes, int radius) {
  namespace F = torch::nn::functional;
  const int64_t height = planes.size(2), width = planes.size(3);
  torch::Tensor blocks =
      F::max_pool2d(planes, F::MaxPool2dFuncOptions(kBlock).stride(kBlock).ceil_mode(true));
  const int64_t reach = (radius + kBlock - 1) / kBlock;
  const int64_t size = 2 * reach + 1;
  // Pad with the lowest value so that edge windows are just smaller.
  const float lowest = std::numeric_limits<float>::lowest();
  blocks = F::pad(blocks, F::PadFuncOptions({reach, reach, reach, reach}).value(lowest));
  blocks = F::max_pool2d(blocks, F::MaxPool2dFuncOptions({1, size}).stride(1));
  blocks = F::max_pool2d(blocks, F::MaxPool2dFuncOptions({size, 1}).stride(1));
  return blocks.repeat_interleave(kBlock, 2)
      .repeat_interleave(kBlock, 3)
      .narrow(2, 0, height)
      .narrow(3, 0, width);
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
  const torch::Tensor highest = WindowMax(in_chroma, radius);
  const torch::Tensor lowest = -WindowMax(-in_chroma, radius);

  const torch::Tensor y = luma(out);
  const torch::Tensor limited = torch::max(torch::min(chroma(out, y), highest), lowest);
  const torch::Tensor blue = y + limited.select(1, 0);
  const torch::Tensor red = y + limited.select(1, 1);
  const torch::Tensor green = (y - 0.299f * red - 0.114f * blue) / 0.587f;
  return torch::stack({red, green, blue}, 3).round().clamp(0, 255).to(torch::kUInt8).contiguous();
}

}  // namespace vmm::engine
