#include "engine/layers.h"

#include <mutex>

#include <torch/nn/functional/padding.h>
#include <torch/torch.h>

#include "engine/blocked_layout.h"
#include "engine/few_outputs_convolution.h"
#include "engine/kernel_choice.h"
#include "engine/onednn_convolution.h"
#include "engine/onednn_trainable_convolution.h"
#include "engine/winograd_convolution.h"

namespace vmm::engine {

namespace {

// Copies mirrored borders of `padded` (interior already filled) along dimension `dim`.
void FillReflectedBorders(torch::Tensor& padded, int64_t dim, int64_t pad, int64_t size) {
  for (int64_t i = 1; i <= pad; ++i) {
    padded.select(dim, pad - i).copy_(padded.select(dim, pad + i));
    padded.select(dim, pad + size - 1 + i).copy_(padded.select(dim, pad + size - 1 - i));
  }
}

// LibTorch's convolution, zero-padded by `pad`, which runs oneDNN's kernels on the CPU. Below
// AVX2 oneDNN has only a reference kernel for a layer with fewer outputs than a channel block
// (seen for the 32->3 output layer under SSE4.1), so there such a layer runs with zero filters
// added up to the block, on a JIT kernel, and keeps its own outputs.
torch::Tensor LibTorchConv2d(const torch::Tensor& input, const torch::Tensor& weight,
                             int64_t pad) {
  const int64_t outputs = weight.size(0);
  const int64_t block = ChannelBlock();
  if (outputs >= block || !input.device().is_cpu() ||
      EngineVectorIsa() != VectorIsa::kBaseline) {
    return torch::conv2d(input, weight, {}, 1, pad);
  }
  const torch::Tensor zeros =
      torch::zeros({block - outputs, weight.size(1), weight.size(2), weight.size(3)},
                   weight.options());
  return torch::conv2d(input, torch::cat({weight, zeros}), {}, 1, pad)
      .narrow(1, 0, outputs)
      .contiguous();
}

}  // namespace

torch::Tensor ReflectPad(const torch::Tensor& input, int64_t pad) {
  if (pad == 0) return input;
  const int64_t height = input.size(-2);
  const int64_t width = input.size(-1);
  TORCH_CHECK(pad < height && pad < width, "reflection padding ", pad,
              " needs a frame larger than ", height, "x", width);
  if (torch::GradMode::is_enabled() && input.requires_grad()) {
    // Autograd's own kernel: correct gradients, layout conversion is acceptable in training.
    namespace F = torch::nn::functional;
    return F::pad(input, F::PadFuncOptions({pad, pad, pad, pad}).mode(torch::kReflect));
  }
  // Inference: fill a tensor of the input's memory format, so channels-last stays channels-last
  // (LibTorch's reflection kernel returns a contiguous NCHW tensor).
  auto sizes = input.sizes().vec();
  sizes[sizes.size() - 2] += 2 * pad;
  sizes[sizes.size() - 1] += 2 * pad;
  torch::Tensor padded =
      torch::empty(sizes, input.options().memory_format(input.suggest_memory_format()));
  padded.narrow(-2, pad, height).narrow(-1, pad, width).copy_(input);
  torch::Tensor rows = padded.narrow(-1, pad, width);
  FillReflectedBorders(rows, rows.dim() - 2, pad, height);
  FillReflectedBorders(padded, padded.dim() - 1, pad, width);
  return padded;
}

torch::Tensor SamePadForStride(const torch::Tensor& input, int64_t kernel, int64_t stride) {
  auto total_pad = [&](int64_t size) {
    const int64_t out = (size + stride - 1) / stride;
    return std::max<int64_t>((out - 1) * stride + kernel - size, 0);
  };
  const int64_t pad_h = total_pad(input.size(-2));
  const int64_t pad_w = total_pad(input.size(-1));
  if (pad_h == 0 && pad_w == 0) return input;
  return torch::constant_pad_nd(input, {pad_w / 2, pad_w - pad_w / 2, pad_h / 2, pad_h - pad_h / 2},
                                0.0);
}

// The blocked path's kernels, each holding its own copy of the weights: oneDNN's (Winograd only
// where the engine's own Winograd can stand in), the engine's Winograd for 3x3 layers, and the
// few-outputs kernel for layers with at most four outputs.
struct PaddedConvImpl::BlockedKernels {
  std::shared_ptr<OneDnnConvolution> onednn;
  std::shared_ptr<WinogradConvolution3x3> winograd;
  std::shared_ptr<FewOutputsConvolution> few_outputs;
};

PaddedConvImpl::PaddedConvImpl(int64_t in_channels, int64_t out_channels, int64_t kernel,
                               int64_t stride)
    : kernel_(kernel), stride_(stride) {
  conv = register_module(
      "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, kernel)
                                    .stride(stride)
                                    .padding(0)
                                    .bias(false)));
  layer_kind_ = std::to_string(kernel) + "x" + std::to_string(kernel) + " conv " +
                std::to_string(in_channels) + "->" + std::to_string(out_channels) +
                (stride == 1 ? "" : " stride " + std::to_string(stride));
}

torch::Tensor PaddedConvImpl::forward(const torch::Tensor& input) {
  if (!torch::GradMode::is_enabled()) NoteKernel(layer_kind_, "LibTorch");
  if (stride_ != 1) return conv->forward(SamePadForStride(input, kernel_, stride_));
  const int64_t pad = kernel_ / 2;
  const int64_t height = input.size(-2);
  const int64_t width = input.size(-1);
  if (kernel_ == 3 && UseTrainableOneDnnConvolution(input, conv->weight.size(0))) {
    // Training on the CPU: Winograd in the forward and both backward passes.
    return ReflectPaddedConv3x3(input, conv->weight);
  }
  if (torch::GradMode::is_enabled() || height < 2 * pad || width < 2 * pad) {
    return LibTorchConv2d(ReflectPad(input, pad), conv->weight, 0);
  }
  // Inference: let oneDNN zero-pad inside the convolution (no padded copy of the whole tensor),
  // then recompute the `pad` border rows and columns from thin reflection-padded strips.
  const torch::Tensor& weight = conv->weight;
  torch::Tensor output = LibTorchConv2d(input, weight, pad);
  auto strip_conv = [&](const torch::Tensor& strip) {
    return LibTorchConv2d(ReflectPad(strip, pad), weight, 0);
  };
  torch::Tensor top = strip_conv(input.narrow(-2, 0, 2 * pad));
  torch::Tensor bottom = strip_conv(input.narrow(-2, height - 2 * pad, 2 * pad));
  output.narrow(-2, 0, pad).copy_(top.narrow(-2, 0, pad));
  output.narrow(-2, height - pad, pad).copy_(bottom.narrow(-2, pad, pad));
  torch::Tensor left = strip_conv(input.narrow(-1, 0, 2 * pad));
  torch::Tensor right = strip_conv(input.narrow(-1, width - 2 * pad, 2 * pad));
  output.narrow(-1, 0, pad).copy_(left.narrow(-1, 0, pad));
  output.narrow(-1, width - pad, pad).copy_(right.narrow(-1, pad, pad));
  return output;
}

std::shared_ptr<PaddedConvImpl::BlockedKernels> PaddedConvImpl::CurrentKernels() {
  const torch::Tensor& weight = conv->weight;
  std::lock_guard<std::mutex> lock(mutex_);
  // Weights made inside an InferenceMode have no version counter: for them only a new tensor is
  // noticed, not an in-place change.
  const int64_t version = weight.is_inference() ? -2 : weight._version();
  if (kernels_ && kernels_data_ == weight.data_ptr() && kernels_version_ == version) {
    return kernels_;
  }
  auto kernels = std::make_shared<BlockedKernels>();
  const int64_t block = ChannelBlock();
  const bool blocked_channels = weight.size(0) % block == 0 && weight.size(1) % block == 0;
  const bool engine_winograd =
      kernel_ == 3 && blocked_channels && WinogradConvolution3x3::Available();
  if (blocked_channels && OneDnnConvolution::Available()) {
    kernels->onednn = std::make_shared<OneDnnConvolution>(
        weight, engine_winograd ? OneDnnConvolution::Algorithms::kWinogradOnly
                                : OneDnnConvolution::Algorithms::kWinogradOrDirect);
  }
  if (engine_winograd) kernels->winograd = std::make_shared<WinogradConvolution3x3>(weight, block);
  if (weight.size(0) <= 4 && weight.size(1) % block == 0) {
    kernels->few_outputs = std::make_shared<FewOutputsConvolution>(weight);
  }
  kernels_ = kernels;
  kernels_data_ = weight.data_ptr();
  kernels_version_ = version;
  return kernels;
}

torch::Tensor PaddedConvImpl::forward_blocked(const torch::Tensor& input, bool relu) {
  TORCH_CHECK(stride_ == 1, "the blocked path is for stride-1 convolutions");
  const torch::Tensor& weight = conv->weight;
  const std::shared_ptr<BlockedKernels> kernels = CurrentKernels();
  const std::shared_ptr<OneDnnConvolution>& onednn = kernels->onednn;
  const std::shared_ptr<WinogradConvolution3x3>& winograd = kernels->winograd;
  // Zero padding over the whole ringed tensor gives the reflection-padded result inside; the
  // output's own ring is then rewritten from its interior. The first kernel that is not a
  // reference one serves: oneDNN's Winograd (or direct), the engine's Winograd, LibTorch's.
  std::string onednn_kernel;
  torch::Tensor output = onednn ? onednn->Run(input, relu, &onednn_kernel) : torch::Tensor();
  if (output.defined()) {
    NoteKernel(layer_kind_, "oneDNN " + onednn_kernel);
  } else if (winograd) {
    output = winograd->Run(input, relu);
    NoteKernel(layer_kind_, std::string("engine Winograd (") +
                                WinogradConvolution3x3::TransformVariant() + ", oneDNN sgemm)");
  } else {
    output = LibTorchConv2d(FromBlocked(input), weight, kernel_ / 2);
    if (relu) output.relu_();
    output = ToBlocked(output);
    NoteKernel(layer_kind_, "LibTorch");
  }
  FillReflectionRing(output, kernel_ / 2);
  return output;
}

torch::Tensor PaddedConvImpl::forward_from_blocked(const torch::Tensor& input, int64_t ring) {
  TORCH_CHECK(stride_ == 1, "the blocked path is for stride-1 convolutions");
  const std::shared_ptr<BlockedKernels> kernels = CurrentKernels();
  if (kernels->few_outputs) {
    NoteKernel(layer_kind_,
               std::string("engine few-outputs (") + FewOutputsConvolution::Variant() + ")");
    return kernels->few_outputs->Run(input, ring);
  }
  return forward(FromBlocked(input, ring));
}

ResidualBlockImpl::ResidualBlockImpl(int64_t channels) {
  conv1 = register_module("conv1", PaddedConv(channels, channels, 3));
  conv2 = register_module("conv2", PaddedConv(channels, channels, 3));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& input) {
  if (UseTrainableOneDnnConvolution(input, input.size(1))) {
    // Training on the CPU: both convolutions in oneDNN's blocked layout.
    return ResidualBlocksTrainable(input, {conv1->conv->weight, conv2->conv->weight});
  }
  if (!torch::GradMode::is_enabled()) {
    return conv2->forward(conv1->forward(input).relu_()).add_(input);
  }
  return conv2->forward(torch::relu(conv1->forward(input))) + input;
}

torch::Tensor ResidualBlockImpl::forward_blocked(const torch::Tensor& input) {
  return conv2->forward_blocked(conv1->forward_blocked(input, /*relu=*/true), /*relu=*/false)
      .add_(input);
}

torch::Tensor UpsampleNearest2x(const torch::Tensor& input) {
  return torch::upsample_nearest2d(input, {input.size(-2) * 2, input.size(-1) * 2});
}

void InitWeightsTruncatedNormal(torch::nn::Module& module, uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& parameter : module.parameters()) {
    torch::Tensor values = torch::empty(parameter.sizes(), torch::kFloat32);
    values.normal_(0.0, 0.02, generator);
    // Redraw anything beyond two standard deviations, as a truncated normal does.
    for (int attempt = 0; attempt < 64; ++attempt) {
      torch::Tensor outside = values.abs() > 0.04;
      if (!outside.any().item<bool>()) break;
      torch::Tensor redraw =
          torch::empty(values.sizes(), torch::kFloat32).normal_(0.0, 0.02, generator);
      values = torch::where(outside, redraw, values);
    }
    parameter.copy_(values.to(parameter.device()));
  }
}

}  // namespace vmm::engine
