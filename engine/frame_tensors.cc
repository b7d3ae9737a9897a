#include "engine/frame_tensors.h"

#include <torch/torch.h>

namespace vmm::engine {

int64_t PaddedSize(int64_t size) { return (size + 3) / 4 * 4; }

torch::Tensor FramesToNetworkInput(const torch::Tensor& frames, torch::Device device) {
  const int64_t height = frames.size(1);
  const int64_t width = frames.size(2);
  // NHWC uint8 is already the channels-last layout of NCHW: permute is free.
  torch::Tensor x = frames.to(device).permute({0, 3, 1, 2}).to(torch::kFloat32);
  x = x.mul_(2.0 / 255.0).sub_(1.0);
  const int64_t pad_h = PaddedSize(height) - height;
  const int64_t pad_w = PaddedSize(width) - width;
  if (pad_h > 0 || pad_w > 0) {
    // Reflection needs more rows than the pad; tiny frames (< 4 px) replicate instead.
    torch::nn::functional::PadFuncOptions options({0, pad_w, 0, pad_h});
    if (height > pad_h && width > pad_w) {
      options.mode(torch::kReflect);
    } else {
      options.mode(torch::kReplicate);
    }
    x = torch::nn::functional::pad(x, options);
  }
  return x.contiguous(torch::MemoryFormat::ChannelsLast);
}

torch::Tensor NetworkOutputToFrames(const torch::Tensor& output, int64_t height, int64_t width) {
  torch::Tensor y = output.narrow(2, 0, height).narrow(3, 0, width);
  y = y.clamp(-1.0, 1.0).add_(1.0).mul_(127.5).round_();
  return y.permute({0, 2, 3, 1}).to(torch::kCPU, torch::kUInt8).contiguous();
}

}  // namespace vmm::engine
