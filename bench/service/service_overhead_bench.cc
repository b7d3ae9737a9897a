// Service overhead: one job through vmm-server and a local vmm-worker (upload, queue, magnify,
// result upload, download) against `vmm magnify` on the same input, same model and same CPU
// threads. Prints both wall times and their ratio; the target is at most 5% slower.
//
//   service_overhead_bench [--frames 100] [--width 640] [--height 480] [--threads 0]
//                          [--batch 4] [--model FILE]
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/integration/service_harness.h"
#include "tests/integration/test_assets.h"

namespace {

using vmm::integration::CommandResult;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Main(int argc, char** argv) {
  int frames = 100, width = 640, height = 480, threads = 0, batch = 4;
  std::string model;
  CLI::App app("Compares a job through the service with `vmm magnify` on the same input");
  app.add_option("--frames", frames)->capture_default_str();
  app.add_option("--width", width)->capture_default_str();
  app.add_option("--height", height)->capture_default_str();
  app.add_option("--threads", threads, "CPU threads for both (0: all cores)")
      ->capture_default_str();
  app.add_option("--batch", batch)->capture_default_str();
  app.add_option("--model", model, "Weights file (default: random weights)");
  CLI11_PARSE(app, argc, argv);

  std::string dir = (std::filesystem::temp_directory_path() / "vmm-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 1;
  if (model.empty()) {
    model = dir + "/random.vmmw";
    if (absl::Status made = vmm::integration::MakeRandomModel(model, 1); !made.ok()) {
      std::fprintf(stderr, "%s\n", made.ToString().c_str());
      return 1;
    }
  }
  const std::string input = dir + "/input.mp4";
  if (absl::Status made = vmm::integration::MakeVideo(input, width, height, frames, 30);
      !made.ok()) {
    std::fprintf(stderr, "%s\n", made.ToString().c_str());
    return 1;
  }
  int exit_code = 0;
  {
    vmm::integration::ServiceHarness service(dir, model);
    vmm::integration::ServerConfig config;
    config.local_workers = 1;
    config.worker_threads = threads;
    config.worker_args = {absl::StrCat("--batch=", batch)};
    std::string error;
    if (!service.StartServer(config, &error) || !service.WaitForWorkers(1)) {
      std::fprintf(stderr, "cannot start the service: %s\n", error.c_str());
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    const CommandResult remote =
        service.Vmm({"submit", input, "-o", dir + "/remote.mp4"}, "", std::chrono::seconds(3600));
    const double service_seconds = Seconds(start);
    start = std::chrono::steady_clock::now();
    const CommandResult local = vmm::integration::RunCommand(
        {vmm::integration::VmmBinary(), "magnify", input, "-o", dir + "/local.mp4", "--model",
         model, "--quiet", "--threads", std::to_string(threads), "--batch", std::to_string(batch)},
        {}, std::chrono::seconds(3600), dir);
    const double local_seconds = Seconds(start);
    if (remote.exit_code != 0 || local.exit_code != 0) {
      std::fprintf(stderr, "failed: submit %d (%s) magnify %d (%s)\n", remote.exit_code,
                   remote.err.c_str(), local.exit_code, local.err.c_str());
      exit_code = 1;
    } else {
      std::printf("input: %d frames %dx%d, threads %d, batch %d\n", frames, width, height, threads,
                  batch);
      std::printf("vmm magnify (local):          %8.2f s\n", local_seconds);
      std::printf("vmm submit (server + worker): %8.2f s\n", service_seconds);
      std::printf("ratio service / local:        %8.3f (target <= 1.05)\n",
                  service_seconds / local_seconds);
    }
  }
  std::filesystem::remove_all(dir);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
