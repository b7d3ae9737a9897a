// Twenty clients submitting small jobs at once: every job completes, none is lost, and the
// server's and the worker's metrics add up; the worker's metric names are docs/metrics.md's.
#include <set>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/integration/service_test.h"
#include "tests/support/metrics_text.h"

namespace vmm::integration {
namespace {

// The metric names of one section ("vmm-server", "vmm-worker") of docs/metrics.md.
std::set<std::string> DocumentedNames(const std::string& section) {
  return test_support::DocumentedMetricNames(std::string(VMM_SOURCE_DIR) + "/docs/metrics.md",
                                             section);
}

// The vmm_ family names of a scrape (prometheus-cpp's own exposer_* families left out).
std::set<std::string> ExposedNames(const std::string& text) {
  return test_support::ExposedMetricNames(text, "vmm_");
}

class LoadTest : public ServiceTest {};

TEST_F(LoadTest, TwentyClientsAtOnceAllCompleteAndMetricsAddUp) {
  constexpr int kClients = 20;
  constexpr int kFrames = 8;
  StartServer(Config(0, {}, {"--max-jobs-in-flight-per-owner=64"}));
  service_->StartWorker("w1");
  ASSERT_TRUE(service_->WaitForWorkers(1));
  std::vector<std::string> inputs;
  for (int i = 0; i < kClients; ++i) {
    inputs.push_back(MakeInput("in" + std::to_string(i) + ".mp4", 64, 48, kFrames));
  }
  std::vector<CommandResult> results(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      results[i] =
          service_->Vmm({"submit", inputs[i], "-o", Path("out" + std::to_string(i) + ".mkv"),
                         "--label", "batch=load", "--json"},
                        "", std::chrono::seconds(240));
    });
  }
  for (std::thread& client : clients) client.join();
  std::set<std::string> names;
  for (int i = 0; i < kClients; ++i) {
    ASSERT_EQ(results[i].exit_code, 0) << "client " << i << ": " << results[i].err;
    names.insert(LastJson(results[i].out)["name"].get<std::string>());
    absl::StatusOr<std::vector<media::Frame>> frames =
        ReadFrames(Path("out" + std::to_string(i) + ".mkv"));
    ASSERT_TRUE(frames.ok()) << frames.status();
    EXPECT_EQ(frames->size(), static_cast<size_t>(kFrames));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kClients)) << "two clients got the same job";

  CommandResult list = service_->Vmm(
      {"list", "--label", "batch=load", "--state", "SUCCEEDED", "--page-size", "100", "--json"});
  EXPECT_EQ(LastJson(list.out)["jobs"].size(), static_cast<size_t>(kClients)) << list.out;

  const std::string server = service_->ScrapeServer();
  EXPECT_EQ(ServiceHarness::MetricValue(server, "vmm_jobs_submitted_total"), kClients) << server;
  EXPECT_EQ(ServiceHarness::MetricValue(server, "vmm_jobs_finished_total{state=\"succeeded\"}"),
            kClients);
  EXPECT_EQ(ServiceHarness::MetricValue(server, "vmm_frames_processed_total"), kClients * kFrames);
  EXPECT_EQ(ServiceHarness::MetricValue(server, "vmm_queue_depth"), 0);
  EXPECT_EQ(ServiceHarness::MetricValue(server, "vmm_jobs_running"), 0);
  EXPECT_EQ(ExposedNames(server), DocumentedNames("vmm-server"));

  int worker_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(Path("w1.metrics-port"))),
                               &worker_port));
  const std::string worker = HttpGetMetrics(worker_port);
  EXPECT_EQ(ServiceHarness::MetricValue(worker, "vmm_worker_frames_processed_total"),
            kClients * kFrames)
      << worker;
  EXPECT_EQ(ServiceHarness::MetricValue(worker, "vmm_worker_busy"), 0);
  // The info series names the device and the convolution kernel family in use on it.
  const std::string info_prefix = "vmm_worker_info{device=\"cpu\",kernels=\"";
  const size_t info = worker.find(info_prefix);
  ASSERT_NE(info, std::string::npos) << worker;
  const std::string kernels = worker.substr(
      info + info_prefix.size(), worker.find('"', info + info_prefix.size()) - info - info_prefix.size());
  EXPECT_TRUE(absl::StrContains(kernels, "Winograd") || absl::StrContains(kernels, "LibTorch"))
      << kernels;
  EXPECT_EQ(ServiceHarness::MetricValue(worker, info_prefix + kernels + "\"}"), 1);
  for (const char* stage : {"decode", "encoder", "manipulator", "decoder", "encode"}) {
    EXPECT_GT(ServiceHarness::MetricValue(
                  worker, absl::StrCat("vmm_worker_stage_seconds_total{stage=\"", stage, "\"}")),
              0)
        << stage;
  }
  EXPECT_EQ(ExposedNames(worker), DocumentedNames("vmm-worker"));
}

}  // namespace
}  // namespace vmm::integration
