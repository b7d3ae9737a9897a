// Conversions between the frames users see (uint8 RGB, [N, H, W, 3], CPU) and the network's
// input and output (float RGB in [-1, 1], [N, 3, H', W'] with H' and W' multiples of 4 after
// reflection padding at the bottom and right, on the network's device and memory format).
#pragma once

#include <torch/types.h>

namespace vmm::engine {

// Rounds `size` up to the next multiple of 4.
int64_t PaddedSize(int64_t size);

// uint8 [N, H, W, 3] -> float [N, 3, PaddedSize(H), PaddedSize(W)] in [-1, 1] on `device`,
// channels-last.
torch::Tensor FramesToNetworkInput(const torch::Tensor& frames, torch::Device device);

// Network output [N, 3, H', W'] -> uint8 [N, height, width, 3] on the CPU: cropped, clipped to
// [-1, 1] and rounded.
torch::Tensor NetworkOutputToFrames(const torch::Tensor& output, int64_t height, int64_t width);

}  // namespace vmm::engine
