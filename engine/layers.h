// Building blocks of the magnification network as released by Oh et al. (ECCV 2018): convolutions
// without bias behind reflection padding, TensorFlow-'SAME' strided convolutions, and residual
// blocks. Every block keeps the memory format of its input, so a network run in channels-last
// stays channels-last end to end (the fast layout for oneDNN convolutions on CPU).
//
// Thread-safety: modules are safe to call concurrently for inference (no state changes in
// forward); training follows LibTorch's usual rules.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <memory>
#include <mutex>
#include <string>

namespace vmm::engine {

// Pads the last two dimensions by `pad` on every side, mirroring without repeating the edge
// (numpy's 'reflect'). Keeps the input's memory format. Differentiable.
// REQUIRES: pad < height and pad < width.
torch::Tensor ReflectPad(const torch::Tensor& input, int64_t pad);

// Zero padding the TensorFlow 'SAME' way for a strided convolution: the total padding is split
// with the extra row and column at the bottom and right.
torch::Tensor SamePadForStride(const torch::Tensor& input, int64_t kernel, int64_t stride);

// A k x k convolution without bias, preceded by reflection padding of k / 2 (stride 1), or by
// 'SAME' zero padding (stride 2), as the release does.
class PaddedConvImpl : public torch::nn::Module {
 public:
  PaddedConvImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1);
  torch::Tensor forward(const torch::Tensor& input);

  // Inference on the blocked layout with a reflection ring of kernel / 2
  // (engine/blocked_layout.h): `input` is [N, C/L, H+2r, W+2r, L], and so is the result, whose
  // interior equals forward (then ReLU when `relu`) up to float rounding. Only for stride-1
  // layers whose channel counts are multiples of ChannelBlock(), where
  // OneDnnConvolution::Available(). The kernel is chosen as engine/kernel_choice.h says.
  torch::Tensor forward_blocked(const torch::Tensor& input, bool relu);

  // forward for a blocked input with a reflection ring of `ring` (any width): [N, C/L, H+2r,
  // W+2r, L] in, [N, O, H, W] out, up to float rounding. Layers with at most four outputs (the
  // decoder's last) run engine/few_outputs_convolution.h on the blocked tensor; others convert.
  torch::Tensor forward_from_blocked(const torch::Tensor& input, int64_t ring);

  // What KernelsUsed() calls this layer, e.g. "3x3 conv 64->64".
  const std::string& layer_kind() const { return layer_kind_; }

  torch::nn::Conv2d conv{nullptr};

 private:
  struct BlockedKernels;
  // The kernels for the weights as they are now, rebuilt when they changed.
  std::shared_ptr<BlockedKernels> CurrentKernels();
  int64_t kernel_;
  int64_t stride_;
  std::string layer_kind_;
  std::mutex mutex_;
  const void* kernels_data_ = nullptr;  // the weights CurrentKernels() were made from
  int64_t kernels_version_ = -1;
  std::shared_ptr<BlockedKernels> kernels_;
};
TORCH_MODULE(PaddedConv);

// pad, conv 3x3, ReLU, pad, conv 3x3, then add the input; no activation after the add.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  explicit ResidualBlockImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& input);
  // forward on the blocked layout through oneDNN (see PaddedConvImpl::forward_blocked).
  torch::Tensor forward_blocked(const torch::Tensor& input);

  PaddedConv conv1{nullptr};
  PaddedConv conv2{nullptr};
};
TORCH_MODULE(ResidualBlock);

// Nearest-neighbour upsampling by 2 in both spatial dimensions, keeping the memory format.
torch::Tensor UpsampleNearest2x(const torch::Tensor& input);

// Fills every convolution weight of `module` from a normal distribution with standard deviation
// 0.02 truncated at two standard deviations, as the release initialises.
void InitWeightsTruncatedNormal(torch::nn::Module& module, uint64_t seed);

}  // namespace vmm::engine
