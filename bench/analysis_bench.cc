// How long `vmm analyze` takes against `vmm magnify` in static mode on the same video, measured
// in one run: a 640x480 lossless video of swaying texture (made here), analysed with the whole
// frame and two regions, then magnified with the committed model (or --model), batch 4. Prints
// seconds per frame of each and their ratio, with the ISA oneDNN runs with.
//
//   build/bench/analysis_bench [--frames N] [--threads T] [--model FILE]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "analysis/analyze_video.h"
#include "engine/kernel_choice.h"
#include "engine/model_loader.h"
#include "engine/runtime.h"
#include "media/video_writer.h"
#include "pipeline/magnify_file.h"

namespace {

constexpr double kPi = 3.14159265358979323846;

// Frame t of a smooth texture swaying by 0.3 px at 2 Hz (30 fps).
vmm::media::Frame SwayingFrame(int width, int height, int t) {
  vmm::media::Frame frame;
  frame.width = width;
  frame.height = height;
  frame.rgb.resize(static_cast<size_t>(width) * height * 3);
  const double shift = 0.3 * std::sin(2 * kPi * 2.0 * t / 30.0);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = x - shift;
      const double value =
          128 + 50 * std::sin(0.21 * u + 0.13 * y) + 40 * std::cos(0.07 * u - 0.17 * y);
      for (int c = 0; c < 3; ++c) {
        frame.rgb[(static_cast<size_t>(y) * width + x) * 3 + c] = static_cast<uint8_t>(value);
      }
    }
  }
  return frame;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 60;
  int threads = 0;
  std::string model_path;
  CLI::App app{"analysis_bench: vmm analyze against vmm magnify (static) on one video"};
  app.add_option("--frames", frames, "Frames of the 640x480 test video")->capture_default_str();
  app.add_option("--threads", threads, "LibTorch CPU threads (0: one per core)");
  app.add_option("--model", model_path, "Weights file (default: the committed model)");
  CLI11_PARSE(app, argc, argv);
  if (frames < vmm::analysis::kMinSpectrumSamples) {
    std::fprintf(stderr, "analysis_bench: --frames must be at least %d\n",
                 vmm::analysis::kMinSpectrumSamples);
    return 2;
  }
  vmm::engine::KeepFreedMemoryForReuse();
  vmm::engine::ConfigureThreads(threads);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "vmm-analysis-bench";
  std::filesystem::create_directories(dir);
  const std::string input = (dir / "sway.mkv").string();
  {
    auto writer = vmm::media::VideoWriter::Open(input, 640, 480, 30, 1, {});
    if (!writer.ok()) {
      std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
      return 1;
    }
    for (int t = 0; t < frames; ++t) (void)(*writer)->Write(SwayingFrame(640, 480, t));
    if (absl::Status closed = (*writer)->Close(); !closed.ok()) {
      std::fprintf(stderr, "%s\n", closed.ToString().c_str());
      return 1;
    }
  }
  vmm::analysis::AnalyzeOptions analyze;
  analyze.regions = {{"left", 100, 100, 96, 96}, {"right", 400, 200, 128, 128}};
  auto began = std::chrono::steady_clock::now();
  absl::StatusOr<vmm::analysis::VideoAnalysis> analysis =
      vmm::analysis::AnalyzeVideo(input, analyze);
  const double analyze_seconds = Seconds(began);
  if (!analysis.ok()) {
    std::fprintf(stderr, "%s\n", analysis.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<vmm::engine::LoadedModel> model =
      vmm::engine::LoadModel(model_path, torch::kCPU);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    return 1;
  }
  vmm::pipeline::MagnifyFileOptions magnify;
  began = std::chrono::steady_clock::now();
  const absl::Status magnified = vmm::pipeline::MagnifyFile(
      input, (dir / "out.mkv").string(), *model, magnify, nullptr);
  const double magnify_seconds = Seconds(began);
  std::filesystem::remove_all(dir);
  if (!magnified.ok()) {
    std::fprintf(stderr, "%s\n", magnified.ToString().c_str());
    return 1;
  }
  const double peak = analysis->regions[0].peaks.empty()
                          ? 0
                          : analysis->regions[0].peaks.front().frequency_hz;
  std::printf("640x480, %d frames, oneDNN ISA %s, %d threads\n", frames,
              vmm::engine::OneDnnIsa().c_str(), torch::get_num_threads());
  std::printf("analyze (whole frame + 2 regions): %.4f s/frame (left region's peak %.3g Hz)\n",
              analyze_seconds / frames, peak);
  std::printf("magnify (static, batch 4):         %.4f s/frame\n", magnify_seconds / frames);
  std::printf("analyze / magnify: %.3f\n", analyze_seconds / magnify_seconds);
  return 0;
}
