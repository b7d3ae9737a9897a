// Live latency: frames streamed through vmm-server to a local vmm-worker and back, one at a
// time (max 1 in flight, as a camera waiting for each result would), at 320x240. Prints the
// median and 99th percentile of the round trip, of the engine's own time, and of their
// difference (what the service adds; target median <= 20 ms).
//
//   live_latency_bench [--frames 100] [--width 320] [--height 240] [--threads 0] [--model FILE]
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/remote/connection.h"
#include "client/remote/live_stream.h"
#include "media/video_reader.h"
#include "tests/integration/service_harness.h"
#include "tests/integration/test_assets.h"

namespace {

void PrintRow(const char* name, const vmm::client::LatencyStats& stats) {
  std::printf("%-32s median %7.2f ms   p99 %7.2f ms\n", name, stats.Median() * 1e3,
              stats.P99() * 1e3);
}

int Main(int argc, char** argv) {
  int frames = 100, width = 320, height = 240, threads = 0, in_flight = 1;
  std::string model;
  CLI::App app("Measures per-frame latency of a live stream through the service");
  app.add_option("--frames", frames)->capture_default_str();
  app.add_option("--width", width)->capture_default_str();
  app.add_option("--height", height)->capture_default_str();
  app.add_option("--threads", threads, "Worker CPU threads (0: all cores)")->capture_default_str();
  app.add_option("--in-flight", in_flight, "Frames sent before waiting for results")
      ->capture_default_str();
  app.add_option("--model", model, "Weights file (default: random weights)");
  CLI11_PARSE(app, argc, argv);

  std::string dir = (std::filesystem::temp_directory_path() / "vmm-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 1;
  if (model.empty()) {
    model = dir + "/random.vmmw";
    if (absl::Status made = vmm::integration::MakeRandomModel(model, 1); !made.ok()) return 1;
  }
  const std::string input = dir + "/input.mkv";
  if (!vmm::integration::MakeVideo(input, width, height, frames, 30).ok()) return 1;
  int exit_code = 0;
  {
    vmm::integration::ServiceHarness service(dir, model);
    vmm::integration::ServerConfig config;
    config.local_workers = 1;
    config.worker_threads = threads;
    std::string error;
    if (!service.StartServer(config, &error) || !service.WaitForWorkers(1)) {
      std::fprintf(stderr, "cannot start the service: %s\n", error.c_str());
      return 1;
    }
    vmm::client::ConnectionFlags flags;
    flags.server = service.address();
    auto connection = vmm::client::Connection::Open(flags);
    auto reader = vmm::media::VideoReader::Open(input);
    if (!connection.ok() || !reader.ok()) return 1;
    vmm::v1::MagnifyParams params;
    params.set_mode(vmm::v1::MODE_TEMPORAL);
    params.set_filter(vmm::v1::FILTER_DIFFERENCE_OF_IIR);
    params.set_alpha(10);
    vmm::client::LiveStreamReport report;
    const grpc::Status status = vmm::client::RunLiveStream(
        **connection, **reader, params, in_flight, 0,
        [](const vmm::media::Frame&) { return absl::OkStatus(); }, &report);
    if (!status.ok()) {
      std::fprintf(stderr, "live stream failed: %s\n", status.error_message().c_str());
      exit_code = 1;
    } else {
      std::printf("%lld frames %dx%d via %s (%s), %d in flight, temporal iir\n",
                  static_cast<long long>(report.frames_received), width, height,
                  report.ready.worker_name().c_str(), report.ready.device().c_str(), in_flight);
      PrintRow("round trip (client)", report.round_trip);
      PrintRow("server receipt to reply", report.server_latency);
      PrintRow("engine", report.engine);
      PrintRow("round trip - engine (target <=20)", report.overhead);
    }
  }
  std::filesystem::remove_all(dir);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
