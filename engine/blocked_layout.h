// oneDNN's channel-blocked layout held in an ordinary LibTorch tensor: [N, C/L, H, W, L],
// contiguous, channel c at block c / L, lane c % L, where L is ChannelBlock()
// (engine/kernel_choice.h: 16 with AVX-512, 8 elsewhere). The CPU fast path keeps runs of 3x3
// convolutions in it so that its Winograd kernels need no reorder per layer.
//
// Tensors on that path also carry a reflection ring: `ring` extra rows and columns on every side
// that mirror the interior (numpy's 'reflect'), so that a convolution with zero padding over the
// whole tensor computes the reflection-padded convolution in the interior, and no padded copy is
// ever made. Elementwise operations (add, ReLU) keep a ring valid; `torch::cat` along dimension 1
// concatenates channels.
#pragma once

#include <torch/types.h>

namespace vmm::engine {

// [N, C, H, W] in any memory format (C a multiple of L) to [N, C/L, H+2r, W+2r, L] with a
// reflection ring of `ring` (r < H and r < W).
torch::Tensor ToBlocked(const torch::Tensor& input, int64_t ring = 0);

// The interior of a blocked tensor with a ring of `ring`, as [N, C, H, W] in channels-last format.
torch::Tensor FromBlocked(const torch::Tensor& blocked, int64_t ring = 0);

// Rewrites the ring of `padded` ([N, C/L, H+2r, W+2r, L]) as the reflection of its interior.
void FillReflectionRing(const torch::Tensor& padded, int64_t ring);

// Nearest-neighbour upsampling by 2 of a blocked tensor's interior, returned with a fresh ring.
torch::Tensor UpsampleNearest2xBlocked(const torch::Tensor& padded, int64_t ring);

}  // namespace vmm::engine
