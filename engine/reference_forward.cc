#include "engine/reference_forward.h"

#include <torch/torch.h>

namespace vmm::engine {

namespace {

namespace F = torch::nn::functional;

torch::Tensor PlainConv(PaddedConvImpl& layer, const torch::Tensor& x) {
  const torch::Tensor weight = layer.conv->weight.contiguous();
  const int64_t kernel = weight.size(-1);
  const int64_t stride = layer.conv->options.stride()->at(0);
  torch::Tensor padded =
      stride == 1 ? F::pad(x, F::PadFuncOptions({kernel / 2, kernel / 2, kernel / 2, kernel / 2})
                                  .mode(torch::kReflect))
                  : SamePadForStride(x, kernel, stride);
  return torch::conv2d(padded.contiguous(), weight, {}, stride);
}

torch::Tensor PlainBlock(const std::shared_ptr<torch::nn::Module>& module, const torch::Tensor& x) {
  auto* block = module->as<ResidualBlockImpl>();
  return PlainConv(*block->conv2, torch::relu(PlainConv(*block->conv1, x))) + x;
}

torch::Tensor PlainBlocks(const torch::nn::ModuleList& blocks, torch::Tensor x) {
  for (const auto& block : *blocks) x = PlainBlock(block, x);
  return x;
}

torch::Tensor PlainUpsample(const torch::Tensor& x) {
  return x.repeat_interleave(2, 2).repeat_interleave(2, 3);
}

}  // namespace

Encoding ReferenceEncode(MagnificationNetImpl& net, const torch::Tensor& frames) {
  torch::NoGradGuard no_grad;
  auto& e = *net.encoder;
  torch::Tensor x = torch::relu(PlainConv(*e.conv1, frames.contiguous()));
  x = torch::relu(PlainConv(*e.conv2, x));
  x = PlainBlocks(e.shared_blocks, x);
  Encoding encoding;
  encoding.texture = PlainBlocks(e.texture_blocks, torch::relu(PlainConv(*e.texture_conv, x)));
  encoding.shape = PlainBlocks(e.shape_blocks, x);
  return encoding;
}

torch::Tensor ReferenceManipulate(MagnificationNetImpl& net, const torch::Tensor& motion,
                                  const torch::Tensor& base, const torch::Tensor& alpha) {
  torch::NoGradGuard no_grad;
  auto& m = *net.manipulator;
  torch::Tensor gain = alpha.to(motion.scalar_type()) - 1.0;
  if (gain.dim() == 1) gain = gain.view({-1, 1, 1, 1});
  torch::Tensor x = torch::relu(PlainConv(*m.g_conv, motion.contiguous())) * gain;
  x = PlainBlock(m.h_block.ptr(), PlainConv(*m.h_conv, x));
  return base.contiguous() + x;
}

torch::Tensor ReferenceDecode(MagnificationNetImpl& net, const torch::Tensor& texture,
                              const torch::Tensor& shape) {
  torch::NoGradGuard no_grad;
  auto& d = *net.decoder;
  torch::Tensor t = torch::relu(PlainConv(*d.texture_conv, PlainUpsample(texture.contiguous())));
  torch::Tensor x = PlainBlocks(d.blocks, torch::cat({t, shape.contiguous()}, 1));
  x = torch::relu(PlainConv(*d.up_conv, PlainUpsample(x)));
  return PlainConv(*d.out_conv, x);
}

int64_t MacsPerFrame(int64_t height, int64_t width) {
  const int64_t h = (height + 3) / 4 * 4, w = (width + 3) / 4 * 4;
  const int64_t half = (h / 2) * (w / 2), quarter = (h / 4) * (w / 4), full = h * w;
  auto conv = [](int64_t pixels, int64_t k, int64_t in, int64_t out) {
    return pixels * k * k * in * out;
  };
  const int64_t block32 = 2 * conv(half, 3, 32, 32);
  int64_t encoder = conv(full, 7, 3, 16) + conv(half, 3, 16, 32) + 3 * block32 +
                    conv(quarter, 3, 32, 32) + 2 * 2 * conv(quarter, 3, 32, 32) + 2 * block32;
  int64_t manipulator = conv(half, 7, 32, 32) + conv(half, 3, 32, 32) + block32;
  int64_t decoder = conv(half, 3, 32, 32) + 9 * 2 * conv(half, 3, 64, 64) +
                    conv(full, 3, 64, 32) + conv(full, 7, 32, 3);
  return encoder + manipulator + decoder;
}

}  // namespace vmm::engine
