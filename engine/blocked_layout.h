// oneDNN's 16-channel blocked layout held in an ordinary LibTorch tensor: [N, C/16, H, W, 16],
// contiguous, channel c at block c / 16, lane c % 16. The CPU fast path keeps runs of 3x3
// convolutions in it so that oneDNN's Winograd kernels need no reorder per layer. Elementwise
// operations (add, ReLU) and slicing along H and W work on it as on any tensor; `torch::cat` along
// dimension 1 concatenates channels.
#pragma once

#include <torch/types.h>

namespace vmm::engine {

// Channels per block.
inline constexpr int64_t kChannelBlock = 16;

// [N, C, H, W] in any memory format (C a multiple of 16) to [N, C/16, H, W, 16].
torch::Tensor ToBlocked(const torch::Tensor& input);

// [N, C/16, H, W, 16] back to [N, C, H, W] in channels-last memory format.
torch::Tensor FromBlocked(const torch::Tensor& blocked);

}  // namespace vmm::engine
