// Every magnification method on the same frames, measured in one run: a swaying texture made in
// memory (no decoding or encoding), magnified in static and in temporal mode (Butterworth) in
// batches of 4 (or --batch; a live stream's frames come one by one). Prints seconds per frame of each method and its speed relative to the learned
// one, with the ISA oneDNN runs with; at 320x240 also frames per second, the figure a live
// stream needs.
//
//   build/bench/methods_bench [--frames N] [--batch B] [--threads T] [--model FILE]
//                             [--width W --height H]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "common/magnify_params.h"
#include "engine/kernel_choice.h"
#include "engine/model_loader.h"
#include "engine/runtime.h"
#include "pipeline/frame_magnifier_factory.h"

namespace {

constexpr double kPi = 3.14159265358979323846;

// uint8 frames [N, H, W, 3] of a smooth texture swaying by 0.3 px at 2 Hz (30 fps).
torch::Tensor SwayingFrames(int count, int width, int height) {
  const torch::Tensor x = torch::arange(width, torch::kDouble).view({1, width});
  const torch::Tensor y = torch::arange(height, torch::kDouble).view({height, 1});
  std::vector<torch::Tensor> frames;
  for (int t = 0; t < count; ++t) {
    const torch::Tensor u = x - 0.3 * std::sin(2 * kPi * 2.0 * t / 30.0);
    const torch::Tensor value =
        128 + 50 * torch::sin(0.21 * u + 0.13 * y) + 40 * torch::cos(0.07 * u - 0.17 * y);
    frames.push_back(value.round().to(torch::kUInt8).unsqueeze(-1).expand({height, width, 3}));
  }
  return torch::stack(frames).contiguous();
}

// Seconds per frame that `params` takes on `frames`, batches of 4, after one warm-up batch;
// negative on an error (printed).
double SecondsPerFrame(const vmm::engine::LoadedModel& model,
                       const vmm::common::MagnifyParams& params, const torch::Tensor& frames,
                       int64_t batch) {
  absl::StatusOr<std::unique_ptr<vmm::engine::FrameMagnifier>> magnifier =
      vmm::pipeline::MakeFrameMagnifier(model, params);
  if (!magnifier.ok()) {
    std::fprintf(stderr, "%s\n", magnifier.status().ToString().c_str());
    return -1;
  }
  const int64_t kBatch = batch;
  if (!(*magnifier)->Push(frames.narrow(0, 0, kBatch)).ok()) return -1;
  const auto began = std::chrono::steady_clock::now();
  int64_t out = 0;
  for (int64_t first = kBatch; first + kBatch <= frames.size(0); first += kBatch) {
    absl::StatusOr<torch::Tensor> magnified = (*magnifier)->Push(frames.narrow(0, first, kBatch));
    if (!magnified.ok()) {
      std::fprintf(stderr, "%s\n", magnified.status().ToString().c_str());
      return -1;
    }
    out += kBatch;
  }
  absl::StatusOr<torch::Tensor> rest = (*magnifier)->Flush();
  if (!rest.ok()) return -1;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count() /
         static_cast<double>(out);
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 24;
  int threads = 0;
  int width = 640, height = 480;
  int batch = 4;
  std::string model_path;
  CLI::App app{"methods_bench: every magnification method on the same frames"};
  app.add_option("--frames", frames, "Frames magnified per method (after 4 of warm-up)")
      ->capture_default_str();
  app.add_option("--width", width, "Frame width")->capture_default_str();
  app.add_option("--height", height, "Frame height")->capture_default_str();
  app.add_option("--batch", batch, "Frames pushed at once (a live stream pushes 1)")
      ->capture_default_str();
  app.add_option("--threads", threads, "LibTorch CPU threads (0: one per core)");
  app.add_option("--model", model_path, "Weights file (default: the committed model)");
  CLI11_PARSE(app, argc, argv);
  if (batch < 1 || frames < batch || width < 16 || height < 16) {
    std::fprintf(stderr, "methods_bench: at least one batch of frames (--batch >= 1) of 16x16\n");
    return 2;
  }
  vmm::engine::KeepFreedMemoryForReuse();
  vmm::engine::ConfigureThreads(threads);
  absl::StatusOr<vmm::engine::LoadedModel> model =
      vmm::engine::LoadModel(model_path, torch::kCPU);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    return 1;
  }
  const torch::Tensor input = SwayingFrames(frames + batch, width, height);
  std::printf("%dx%d, %d frames per method in batches of %d, oneDNN ISA %s, %d threads\n", width,
              height, frames, batch, vmm::engine::OneDnnIsa().c_str(), torch::get_num_threads());
  using vmm::common::Method;
  for (vmm::common::Mode mode : {vmm::common::Mode::kStatic, vmm::common::Mode::kTemporal}) {
    double learned = 0;
    for (Method method : {Method::kLearned, Method::kPhase, Method::kRiesz, Method::kLinear}) {
      vmm::common::MagnifyParams params;
      params.method = method;
      params.mode = mode;
      params.filter = vmm::common::FilterKind::kButterworth;
      params.low_hz = 1;
      params.high_hz = 3;
      params.sample_rate_hz = 30;
      const double seconds = SecondsPerFrame(*model, params, input, batch);
      if (seconds < 0) return 1;
      if (method == Method::kLearned) learned = seconds;
      std::printf("%-8s %-8s %.4f s/frame  %6.1f frames/s  %5.2fx the learned method's speed\n",
                  vmm::common::ModeName(mode).c_str(), vmm::common::MethodName(method).c_str(),
                  seconds, 1 / seconds, learned / seconds);
    }
  }
  return 0;
}
