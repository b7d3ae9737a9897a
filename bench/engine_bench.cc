// Static-mode throughput of the engine at 640x480 on the CPU, against (a) the same work done the
// released way (plain NCHW, LibTorch's reflection padding, both frames of every pair encoded) and
// (b) the best throughput this machine reaches on one 64-channel 3x3 convolution at 240x320 in any
// memory format LibTorch offers. Prints the figures and their ratios, all measured in one run, and
// checks that the fast path equals the plain computation (give --model for trained weights, whose
// activations are larger than random ones'; --no-onednn runs the fast path on LibTorch's
// convolutions alone). Names the ISA oneDNN runs with and the kernel each kind of layer ran on
// (engine/kernel_choice.h); ONEDNN_MAX_CPU_ISA and ATEN_CPU_CAPABILITY pin lower ISAs.
//
//   build/bench/engine_bench [--frames N] [--batch B] [--threads T] [--height H] [--width W]
//                            [--model FILE] [--no-onednn]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "engine/blocked_layout.h"
#include "engine/chroma_limit.h"
#include "engine/frame_tensors.h"
#include "engine/kernel_choice.h"
#include "engine/layers.h"
#include "engine/magnifier.h"
#include "engine/network.h"
#include "engine/onednn_convolution.h"
#include "engine/reference_forward.h"
#include "engine/runtime.h"
#include "engine/weights_file.h"
#include "engine/winograd_convolution.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(const std::function<void()>& work) {
  const auto start = Clock::now();
  work();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best of `repeats` timings of `work` after one warm-up.
double BestSeconds(int repeats, const std::function<void()>& work) {
  work();
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) best = std::min(best, Seconds(work));
  return best;
}

struct ConvResult {
  std::string layout;
  double gmacs_per_second;
};

// One 64 -> 64 3x3 convolution at height x width (half of the frame), batch `batch`.
std::vector<ConvResult> MeasureConvolution(int64_t batch, int64_t height, int64_t width) {
  torch::NoGradGuard no_grad;
  const double macs = double(batch) * height * width * 64 * 64 * 9;
  torch::Tensor input = torch::randn({batch, 64, height + 2, width + 2});
  torch::Tensor weight = torch::randn({64, 64, 3, 3});
  std::vector<ConvResult> results;
  auto run = [&](const std::string& layout, const torch::Tensor& x, const torch::Tensor& w) {
    const double seconds = BestSeconds(5, [&] { torch::conv2d(x, w); });
    results.push_back({layout, macs / seconds / 1e9});
  };
  run("NCHW (contiguous)", input, weight);
  run("channels-last (NHWC)", input.contiguous(torch::MemoryFormat::ChannelsLast),
      weight.contiguous(torch::MemoryFormat::ChannelsLast));
  if (at::hasMKLDNN()) {
    torch::Tensor blocked = input.to_mkldnn();
    torch::Tensor blocked_weight = torch::mkldnn_reorder_conv2d_weight(
        weight.to_mkldnn(), {0, 0}, {1, 1}, {1, 1}, 1);
    const double seconds = BestSeconds(5, [&] {
      torch::mkldnn_convolution(blocked, blocked_weight, {}, {0, 0}, {1, 1}, {1, 1}, 1);
    });
    results.push_back({"oneDNN blocked (to_mkldnn)", macs / seconds / 1e9});
  }
  return results;
}

// The same convolution called through oneDNN directly (Winograd where it has one, else direct),
// in direct-convolution MACs per second; 0 where this build has no oneDNN or oneDNN offers only
// a reference kernel.
double MeasureOneDnnConvolution(int64_t batch, int64_t height, int64_t width, std::string* kernel) {
  if (!vmm::engine::OneDnnConvolution::Available()) return 0;
  torch::NoGradGuard no_grad;
  const double macs = double(batch) * height * width * 64 * 64 * 9;
  vmm::engine::OneDnnConvolution convolution(torch::randn({64, 64, 3, 3}));
  const torch::Tensor input = vmm::engine::ToBlocked(torch::randn({batch, 64, height, width}));
  if (!convolution.Run(input, false).defined()) return 0;
  const double seconds = BestSeconds(5, [&] { convolution.Run(input, false); });
  *kernel = convolution.last_kernel();
  return macs / seconds / 1e9;
}

// The same convolution as a layer of the network's blocked path runs it (the kernel the engine
// chooses here, and the output's reflection ring), in direct-convolution MACs per second; 0 where
// the blocked path is off.
double MeasureBlockedLayer(int64_t batch, int64_t height, int64_t width, std::string* kernel) {
  if (!vmm::engine::OneDnnConvolution::Available()) return 0;
  c10::InferenceMode inference;
  const double macs = double(batch) * height * width * 64 * 64 * 9;
  vmm::engine::PaddedConv layer(64, 64, 3);
  const torch::Tensor input = vmm::engine::ToBlocked(torch::randn({batch, 64, height, width}), 1);
  const double seconds = BestSeconds(5, [&] { layer->forward_blocked(input, false); });
  *kernel = vmm::engine::KernelsUsed()[layer->layer_kind()];
  return macs / seconds / 1e9;
}

// The ISA line every figure is labelled with.
void PrintIsa() {
  const char* pinned = std::getenv("ONEDNN_MAX_CPU_ISA");
  const char* capability = std::getenv("ATEN_CPU_CAPABILITY");
  std::printf("oneDNN ISA: %s (ONEDNN_MAX_CPU_ISA %s, ATEN_CPU_CAPABILITY %s); convolutions: %s\n",
              vmm::engine::OneDnnIsa().c_str(), pinned ? pinned : "unset",
              capability ? capability : "unset", vmm::engine::ConvolutionKernelFamily().c_str());
}

// The same convolution through the engine's own Winograd F(4x4, 3x3) with `lanes` channels per
// block, in direct-convolution MACs per second; 0 where this build has no oneDNN.
double MeasureEngineWinograd(int64_t batch, int64_t height, int64_t width, int64_t lanes) {
  if (!vmm::engine::WinogradConvolution3x3::Available()) return 0;
  torch::NoGradGuard no_grad;
  const double macs = double(batch) * height * width * 64 * 64 * 9;
  const vmm::engine::WinogradConvolution3x3 convolution(torch::randn({64, 64, 3, 3}), lanes);
  const torch::Tensor input = torch::randn({batch, 64 / lanes, height, width, lanes});
  const double seconds = BestSeconds(5, [&] { convolution.Run(input, false); });
  return macs / seconds / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Engine throughput in static mode against the released way and one convolution"};
  int frames = 16, batch = 4, threads = 0;
  int64_t height = 480, width = 640;
  app.add_option("--frames", frames, "Frames to magnify")->capture_default_str();
  app.add_option("--batch", batch, "Frames per network pass")->capture_default_str();
  app.add_option("--threads", threads, "LibTorch CPU threads (0: default)")->capture_default_str();
  app.add_option("--height", height, "Frame height")->capture_default_str();
  app.add_option("--width", width, "Frame width")->capture_default_str();
  std::string model_path;
  app.add_option("--model", model_path, "Weights file (default: random weights)");
  bool no_onednn = false;
  app.add_flag("--no-onednn", no_onednn, "Fast path without oneDNN's Winograd convolutions");
  bool convolutions_only = false;
  app.add_flag("--convolutions-only", convolutions_only,
               "Only the single-convolution figures (no network)");
  app.get_option("--frames")->check(CLI::PositiveNumber);
  app.get_option("--batch")->check(CLI::PositiveNumber);
  app.get_option("--height")->check(CLI::Range(int64_t{8}, int64_t{8192}));
  app.get_option("--width")->check(CLI::Range(int64_t{8}, int64_t{8192}));
  CLI11_PARSE(app, argc, argv);
  if (no_onednn) vmm::engine::OneDnnConvolution::SetEnabled(false);
  PrintIsa();
  if (convolutions_only) {
    if (threads > 0) torch::set_num_threads(threads);
    for (const auto& c : MeasureConvolution(batch, height / 2, width / 2)) {
      std::printf("  %-40s %.1f GMAC/s\n", c.layout.c_str(), c.gmacs_per_second);
    }
    for (int64_t lanes : {8, 16}) {
      std::printf("  engine Winograd, %2lld lanes (%s)        %.1f GMAC/s\n",
                  static_cast<long long>(lanes),
                  vmm::engine::WinogradConvolution3x3::TransformVariant(),
                  MeasureEngineWinograd(batch, height / 2, width / 2, lanes));
    }
    std::string kernel;
    const double onednn = MeasureOneDnnConvolution(batch, height / 2, width / 2, &kernel);
    std::printf("  oneDNN called directly (%s)  %.1f GMAC/s\n",
                kernel.empty() ? "no kernel but a reference one" : kernel.c_str(), onednn);
    const double layer = MeasureBlockedLayer(batch, height / 2, width / 2, &kernel);
    std::printf("  the network's blocked layer (%s)  %.1f GMAC/s\n", kernel.c_str(), layer);
    return 0;
  }
  if (threads > 0) torch::set_num_threads(threads);
  std::printf("threads %d, %lldx%lld, %d frames, batch %d, %s weights, oneDNN convolutions %s\n",
              torch::get_num_threads(), static_cast<long long>(width),
              static_cast<long long>(height), frames, batch,
              model_path.empty() ? "random" : model_path.c_str(),
              vmm::engine::OneDnnConvolution::Available() ? "on" : "off");

  torch::manual_seed(1);
  vmm::engine::MagnificationNet net;
  vmm::engine::InitWeightsTruncatedNormal(*net, 7);
  if (!model_path.empty()) {
    if (auto loaded = vmm::engine::LoadWeights(model_path, *net); !loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 1;
    }
  }
  net->eval();
  torch::Tensor video = torch::randint(0, 256, {frames + 1, height, width, 3}, torch::kUInt8);
  const double macs_per_frame = vmm::engine::MacsPerFrame(height, width);

  // Released way: both frames of every pair encoded, plain NCHW, LibTorch's reflection padding.
  torch::NoGradGuard no_grad;
  torch::Tensor alpha = torch::tensor(10.0f);
  torch::Tensor reference_input =
      vmm::engine::FramesToNetworkInput(video.narrow(0, 0, 1), torch::kCPU).contiguous();
  const int released_frames = std::min(frames, std::max(2, frames / 4));
  auto released_way = [&] {
    for (int i = 1; i <= released_frames; ++i) {
      torch::Tensor frame =
          vmm::engine::FramesToNetworkInput(video.narrow(0, i, 1), torch::kCPU).contiguous();
      auto a = vmm::engine::ReferenceEncode(*net, reference_input);
      auto b = vmm::engine::ReferenceEncode(*net, frame);
      torch::Tensor shape =
          vmm::engine::ReferenceManipulate(*net, b.shape - a.shape, b.shape, alpha);
      vmm::engine::ReferenceDecode(*net, b.texture, shape);
    }
  };
  // First as the released code runs (the allocator returns large blocks to the kernel), then
  // with the allocator setting the fast path uses, so the ratio can be read both ways.
  const double released_fps = released_frames / Seconds(released_way);
  vmm::engine::KeepFreedMemoryForReuse();
  released_way();  // warm the retained heap
  const double released_tuned_fps = released_frames / Seconds(released_way);

  // Fast path: the Magnifier, channels-last, each frame encoded once.
  vmm::engine::ConvertToChannelsLast(*net);
  vmm::common::MagnifyParams params;
  params.mode = vmm::common::Mode::kStatic;
  params.alpha = 10;
  auto magnifier = vmm::engine::Magnifier::Create(net, params, torch::kCPU);
  if (!magnifier.ok()) {
    std::fprintf(stderr, "%s\n", magnifier.status().ToString().c_str());
    return 1;
  }
  vmm::engine::ClearKernelsUsed();  // only the fast path's kernels from here on
  // Warm-up on the reference frame and the first batch (allocator, oneDNN primitives).
  (void)(*magnifier)->Push(video.narrow(0, 0, std::min<int64_t>(batch, frames + 1)));
  auto fresh = vmm::engine::Magnifier::Create(net, params, torch::kCPU);
  torch::Tensor first_output;
  const double fast_seconds = Seconds([&] {
    (void)(*fresh)->SetReference(video.narrow(0, 0, 1));
    for (int start = 1; start <= frames; start += batch) {
      const int count = std::min(batch, frames + 1 - start);
      auto out = (*fresh)->Push(video.narrow(0, start, count));
      if (start == 1) first_output = *out;
    }
  });
  const double fast_fps = frames / fast_seconds;
  const std::map<std::string, std::string> kernels_used = vmm::engine::KernelsUsed();
  const auto& times = (*fresh)->stage_times();
  // The chroma limit alone (part of the fast path's conversion time), on the first batch.
  const int64_t limited_count = first_output.size(0);
  const double limit_seconds = Seconds([&] {
    vmm::engine::LimitChromaToNeighbourhood(first_output, video.narrow(0, 1, limited_count));
  }) / std::max<int64_t>(1, limited_count);

  // Equality with the plain computation (float outputs before rounding), frame 1.
  torch::Tensor frame1 = vmm::engine::FramesToNetworkInput(video.narrow(0, 1, 1), torch::kCPU);
  torch::Tensor reference_frame = vmm::engine::FramesToNetworkInput(video.narrow(0, 0, 1), torch::kCPU);
  torch::Tensor fast_float, plain_float;
  {
    c10::InferenceMode inference;
    auto a = net->encoder->forward(reference_frame);
    auto b = net->encoder->forward(frame1);
    fast_float = net->decoder->forward(b.texture, net->manipulator->forward(b.shape - a.shape, b.shape, alpha));
  }
  {
    auto a = vmm::engine::ReferenceEncode(*net, reference_frame.contiguous());
    auto b = vmm::engine::ReferenceEncode(*net, frame1.contiguous());
    plain_float = vmm::engine::ReferenceDecode(
        *net, b.texture, vmm::engine::ReferenceManipulate(*net, b.shape - a.shape, b.shape, alpha));
  }
  const double max_difference = (fast_float - plain_float).abs().max().item<double>();

  // Best over layouts and over batch 1 and the network's batch, whichever this machine prefers.
  auto convolutions = MeasureConvolution(1, height / 2, width / 2);
  for (auto& c : convolutions) c.layout += ", batch 1";
  if (batch != 1) {
    for (auto c : MeasureConvolution(batch, height / 2, width / 2)) {
      c.layout += ", batch " + std::to_string(batch);
      convolutions.push_back(c);
    }
  }
  double best_conv = 0;
  std::string best_layout;
  for (const auto& c : convolutions) {
    if (c.gmacs_per_second > best_conv) {
      best_conv = c.gmacs_per_second;
      best_layout = c.layout;
    }
  }
  const double network_gmacs = fast_fps * macs_per_frame / 1e9;

  std::printf("\nnetwork cost: %.1f GMAC per output frame (static mode)\n", macs_per_frame / 1e9);
  std::printf("fast path:     %.3f frames/s (%.3f s/frame)\n", fast_fps, 1 / fast_fps);
  std::printf("  per frame:   encoder %.3f s, manipulator %.3f s, decoder %.3f s, conversion %.3f s\n",
              times.encoder / frames, times.manipulator / frames, times.decoder / frames,
              times.conversion / frames);
  std::printf("  chroma limit (in conversion): %.4f s/frame, %.1f%% of the fast path\n",
              limit_seconds, 100 * limit_seconds * fast_fps);
  std::printf("released way: %.3f frames/s (%.3f s/frame, %d frames)\n", released_fps,
              1 / released_fps, released_frames);
  std::printf("released way with our allocator setting: %.3f frames/s (%.3f s/frame)\n",
              released_tuned_fps, 1 / released_tuned_fps);
  std::printf("speed-up over the released way: %.2fx (target >= 2x); over it with our allocator "
              "setting: %.2fx\n", fast_fps / released_fps, fast_fps / released_tuned_fps);
  std::printf("\none 64->64 3x3 convolution at %lldx%lld:\n",
              static_cast<long long>(width / 2), static_cast<long long>(height / 2));
  for (const auto& c : convolutions) {
    std::printf("  %-40s %.1f GMAC/s\n", c.layout.c_str(), c.gmacs_per_second);
  }
  std::printf("whole network: %.1f GMAC/s = %.0f%% of the best convolution (%s; target >= 70%%)\n",
              network_gmacs, 100 * network_gmacs / best_conv, best_layout.c_str());
  std::string layer_kernel;
  const double layer_conv = MeasureBlockedLayer(batch, height / 2, width / 2, &layer_kernel);
  if (layer_conv > 0) {
    std::printf("for comparison, that convolution as the network's blocked layer runs it (%s, "
                "batch %d): %.1f GMAC/s counted as direct MACs; the whole network reaches %.0f%% "
                "of it\n",
                layer_kernel.c_str(), batch, layer_conv, 100 * network_gmacs / layer_conv);
  }
  std::printf("\nkernel per layer kind in the fast path:\n");
  for (const auto& [layer, kernel] : kernels_used) {
    std::printf("  %-28s %s\n", layer.c_str(), kernel.c_str());
  }
  std::printf("max |fast - plain NCHW| on frame 1: %.2e (target <= 1e-4)\n", max_difference);
  return 0;
}
