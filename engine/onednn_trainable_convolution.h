// The stride-1 3x3 convolution behind reflection padding that PaddedConv computes, made
// differentiable with oneDNN's Winograd kernels in the forward pass and in both backward passes
// (data and weights). LibTorch 1.13 trains through oneDNN's direct kernels only; the trainer
// spends about 90% of a step in convolutions, most of them of this kind.
//
// Inside, tensors carry a one-pixel reflection ring in the channel-blocked layout
// (engine/blocked_layout.h): a zero-padded convolution over the ringed input is the
// reflection-padded one in the interior, and its adjoint is a zero-padded backward pass over a
// gradient whose ring is zero, so every pass is the plain 'same' convolution Winograd supports.
//
// Thread-safety: may be called concurrently.
#pragma once

#include <vector>

#include <torch/types.h>

namespace vmm::engine {

// Whether ReflectPaddedConv3x3 can run here: oneDNN built in and enabled
// (OneDnnConvolution::Available()).
bool TrainableOneDnnConvolutionAvailable();

// Whether a forward pass on `input` to `out_channels` channels that autograd records takes this
// path: grad mode on, a float32 CPU tensor [N, C, H, W] with C and `out_channels` multiples of
// ChannelBlock() and H, W at least 2, TrainableOneDnnConvolutionAvailable(), and oneDNN kernels
// for the forward and both backward passes of this shape that are not reference ones (elsewhere
// LibTorch's autograd trains the layer).
bool UseTrainableOneDnnConvolution(const torch::Tensor& input, int64_t out_channels);

// conv2d(ReflectPad(input, 1), weight) with gradients for `input` and `weight`.
// `input` is [N, C, H, W] float32 on the CPU (any strides), `weight` [O, C, 3, 3]; C and O are
// multiples of ChannelBlock() and H, W at least 2, and UseTrainableOneDnnConvolution holds.
// Returns a contiguous [N, O, H, W].
torch::Tensor ReflectPaddedConv3x3(const torch::Tensor& input, const torch::Tensor& weight);

// A run of ResidualBlocks (reflection-padded conv 3x3, ReLU, conv 3x3, add the input) with
// gradients for `input` and every weight, kept in the ringed blocked layout from the first
// convolution to the last, forward and backward. `weights` holds each block's conv1 and conv2
// weights in order, all [C, C, 3, 3]; `input` as for ReflectPaddedConv3x3.
torch::Tensor ResidualBlocksTrainable(const torch::Tensor& input,
                                      const std::vector<torch::Tensor>& weights);

}  // namespace vmm::engine
