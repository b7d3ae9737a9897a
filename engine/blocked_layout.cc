#include "engine/blocked_layout.h"

#include <torch/torch.h>

namespace vmm::engine {

torch::Tensor ToBlocked(const torch::Tensor& input) {
  TORCH_CHECK(input.dim() == 4 && input.size(1) % kChannelBlock == 0,
              "blocked layout needs [N, C, H, W] with C a multiple of 16, got ", input.sizes());
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  torch::Tensor blocked = torch::empty({n, c / kChannelBlock, h, w, kChannelBlock}, input.options());
  // [N, C, H, W] seen as [N, C/16, 16, H, W], lanes moved last: one strided copy.
  blocked.copy_(input.unflatten(1, {c / kChannelBlock, kChannelBlock}).permute({0, 1, 3, 4, 2}));
  return blocked;
}

torch::Tensor FromBlocked(const torch::Tensor& blocked) {
  TORCH_CHECK(blocked.dim() == 5 && blocked.size(4) == kChannelBlock,
              "not a blocked tensor: ", blocked.sizes());
  const int64_t n = blocked.size(0), c = blocked.size(1) * kChannelBlock, h = blocked.size(2),
                w = blocked.size(3);
  torch::Tensor output = torch::empty(
      {n, c, h, w}, blocked.options().memory_format(torch::MemoryFormat::ChannelsLast));
  // Channels-last memory is [N, H, W, C]: write it as [N, H, W, C/16, 16].
  output.permute({0, 2, 3, 1})
      .unflatten(3, {c / kChannelBlock, kChannelBlock})
      .copy_(blocked.permute({0, 2, 3, 1, 4}));
  return output;
}

}  // namespace vmm::engine
