#include "engine/network.h"

#include <torch/torch.h>

#include "engine/blocked_layout.h"
#include "engine/onednn_convolution.h"
#include "engine/onednn_trainable_convolution.h"

namespace vmm::engine {

namespace {

torch::nn::ModuleList MakeResidualBlocks(int count, int64_t channels) {
  torch::nn::ModuleList blocks;
  for (int i = 0; i < count; ++i) blocks->push_back(ResidualBlock(channels));
  return blocks;
}

torch::Tensor RunBlocks(const torch::nn::ModuleList& blocks, torch::Tensor x) {
  if (UseTrainableOneDnnConvolution(x, x.size(1))) {
    // Training on the CPU: the whole run in oneDNN's blocked layout, Winograd in every pass.
    std::vector<torch::Tensor> weights;
    for (const auto& block : *blocks) {
      const auto* residual = block->as<ResidualBlockImpl>();
      weights.push_back(residual->conv1->conv->weight);
      weights.push_back(residual->conv2->conv->weight);
    }
    return ResidualBlocksTrainable(x, weights);
  }
  for (const auto& block : *blocks) x = block->as<ResidualBlockImpl>()->forward(x);
  return x;
}

torch::Tensor ReluMaybeInPlace(torch::Tensor x) {
  return torch::GradMode::is_enabled() ? torch::relu(x) : x.relu_();
}

// Reflection ring the blocked path's tensors carry: the padding of a 3x3 convolution.
constexpr int64_t kRing = 1;

// Whether inference on `x` (a representation with at least `min_size` rows and columns) takes
// the blocked path: CPU, float32, no autograd, oneDNN present (engine/kernel_choice.h).
bool UseBlockedPath(const torch::Tensor& x, int64_t min_size) {
  return !torch::GradMode::is_enabled() && x.device().is_cpu() &&
         x.scalar_type() == torch::kFloat32 && x.size(-2) >= min_size &&
         x.size(-1) >= min_size && OneDnnConvolution::Available();
}

// RunBlocks on a blocked tensor with a reflection ring (ResidualBlockImpl::forward_blocked).
torch::Tensor RunBlocksBlocked(const torch::nn::ModuleList& blocks, torch::Tensor x) {
  for (const auto& block : *blocks) x = block->as<ResidualBlockImpl>()->forward_blocked(x);
  return x;
}

}  // namespace

EncoderImpl::EncoderImpl() {
  conv1 = register_module("conv1", PaddedConv(3, 16, 7));
  conv2 = register_module("conv2", PaddedConv(16, 32, 3, 2));
  shared_blocks = register_module("shared_blocks", MakeResidualBlocks(3, 32));
  texture_conv = register_module("texture_conv", PaddedConv(32, kRepresentationChannels, 3, 2));
  texture_blocks = register_module("texture_blocks", MakeResidualBlocks(2, kRepresentationChannels));
  shape_blocks = register_module("shape_blocks", MakeResidualBlocks(2, kRepresentationChannels));
}

Encoding EncoderImpl::forward(const torch::Tensor& frames) {
  torch::Tensor x = ReluMaybeInPlace(conv1->forward(frames));
  x = ReluMaybeInPlace(conv2->forward(x));
  if (UseBlockedPath(x, 4)) {
    // The residual blocks in oneDNN's blocked layout; strided convolutions stay LibTorch's.
    const torch::Tensor shared = RunBlocksBlocked(shared_blocks, ToBlocked(x, kRing));
    Encoding encoding;
    encoding.shape = FromBlocked(RunBlocksBlocked(shape_blocks, shared), kRing);
    torch::Tensor texture = texture_conv->forward(FromBlocked(shared, kRing)).relu_();
    encoding.texture =
        FromBlocked(RunBlocksBlocked(texture_blocks, ToBlocked(texture, kRing)), kRing);
    return encoding;
  }
  x = RunBlocks(shared_blocks, x);
  Encoding encoding;
  encoding.texture = RunBlocks(texture_blocks, ReluMaybeInPlace(texture_conv->forward(x)));
  encoding.shape = RunBlocks(shape_blocks, x);
  return encoding;
}

ManipulatorImpl::ManipulatorImpl() {
  g_conv = register_module("g_conv", PaddedConv(kRepresentationChannels, kRepresentationChannels, 7));
  h_conv = register_module("h_conv", PaddedConv(kRepresentationChannels, kRepresentationChannels, 3));
  h_block = register_module("h_block", ResidualBlock(kRepresentationChannels));
}

torch::Tensor ManipulatorImpl::forward(const torch::Tensor& motion, const torch::Tensor& base,
                                       const torch::Tensor& alpha) {
  torch::Tensor gain = alpha.to(motion.device(), motion.scalar_type()) - 1.0;
  if (gain.dim() == 1) gain = gain.view({-1, 1, 1, 1});
  torch::Tensor x = ReluMaybeInPlace(g_conv->forward(motion));
  x = torch::GradMode::is_enabled() ? x * gain : x.mul_(gain);
  if (UseBlockedPath(x, 2)) {
    x = FromBlocked(h_block->forward_blocked(h_conv->forward_blocked(ToBlocked(x, kRing), false)),
                    kRing);
    return x.add_(base);
  }
  x = h_block->forward(h_conv->forward(x));
  return torch::GradMode::is_enabled() ? base + x : x.add_(base);
}

DecoderImpl::DecoderImpl() {
  texture_conv = register_module("texture_conv", PaddedConv(kRepresentationChannels, 32, 3));
  blocks = register_module("blocks", MakeResidualBlocks(9, 32 + kRepresentationChannels));
  up_conv = register_module("up_conv", PaddedConv(32 + kRepresentationChannels, 32, 3));
  out_conv = register_module("out_conv", PaddedConv(32, 3, 7));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& texture, const torch::Tensor& shape) {
  return forward(texture, shape, nullptr);
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& texture, const torch::Tensor& shape,
                                   const std::atomic<bool>* stop) {
  const auto stopped = [stop] { return stop != nullptr && stop->load(); };
  if (UseBlockedPath(shape, 2)) {
    torch::Tensor t =
        texture_conv->forward_blocked(ToBlocked(UpsampleNearest2x(texture), kRing), true);
    torch::Tensor x = torch::cat({t, ToBlocked(shape, kRing)}, 1);
    for (const auto& block : *blocks) {
      if (stopped()) return {};
      x = block->as<ResidualBlockImpl>()->forward_blocked(x);
    }
    if (stopped()) return {};
    return out_conv->forward_from_blocked(
        up_conv->forward_blocked(UpsampleNearest2xBlocked(x, kRing), true), kRing);
  }
  torch::Tensor t = ReluMaybeInPlace(texture_conv->forward(UpsampleNearest2x(texture)));
  torch::Tensor x = torch::cat({t, shape}, 1);
  if (shape.is_contiguous(torch::MemoryFormat::ChannelsLast) &&
      !x.is_contiguous(torch::MemoryFormat::ChannelsLast)) {
    x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  }
  if (stop == nullptr) {
    x = RunBlocks(blocks, x);
  } else {
    for (const auto& block : *blocks) {
      if (stopped()) return {};
      x = block->as<ResidualBlockImpl>()->forward(x);
    }
    if (stopped()) return {};
  }
  x = ReluMaybeInPlace(up_conv->forward(UpsampleNearest2x(x)));
  return out_conv->forward(x);
}

MagnificationNetImpl::MagnificationNetImpl() {
  encoder = register_module("encoder", Encoder());
  manipulator = register_module("manipulator", Manipulator());
  decoder = register_module("decoder", Decoder());
}

TwoFrameOutput MagnificationNetImpl::forward(const torch::Tensor& frame_a,
                                             const torch::Tensor& frame_b,
                                             const torch::Tensor& alpha) {
  TwoFrameOutput out;
  out.a = encoder->forward(frame_a);
  out.b = encoder->forward(frame_b);
  torch::Tensor shape = manipulator->forward(out.b.shape - out.a.shape, out.b.shape, alpha);
  out.magnified = decoder->forward(out.b.texture, shape);
  return out;
}

void ConvertToChannelsLast(MagnificationNetImpl& net) {
  torch::NoGradGuard no_grad;
  for (auto& parameter : net.parameters()) {
    parameter.set_data(parameter.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

}  // namespace vmm::engine
