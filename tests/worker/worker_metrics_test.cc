#include "worker/worker_metrics.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/support/metrics_text.h"

namespace vmm::worker {
namespace {

using test_support::DocumentedMetricNames;
using test_support::ExposedMetricNames;
using test_support::HttpGetMetricsResponse;

TEST(WorkerMetricsTest, NamesAreExactlyTheDocumentedOnes) {
  const std::set<std::string> documented =
      DocumentedMetricNames(std::string(VMM_SOURCE_DIR) + "/docs/metrics.md", "vmm-worker");
  ASSERT_EQ(documented.size(), 5u) << "docs/metrics.md's worker table changed";
  WorkerMetrics metrics("cpu", "engine Winograd");
  EXPECT_EQ(ExposedMetricNames(metrics.Scrape()), documented);
}

TEST(WorkerMetricsTest, CountsFramesStagesBusyAndTheBatchInTheNetwork) {
  WorkerMetrics metrics("cuda:0", "LibTorch convolutions on cuda:0");
  metrics.AddFrames(7);
  metrics.AddFrames(-3);  // ignored
  StageSeconds stages;
  stages.decode = 0.5;
  stages.encoder = 1.25;
  metrics.AddStageSeconds(stages);
  metrics.SetBusy(true);
  metrics.SetFramesInNetwork(16);
  const std::string text = metrics.Scrape();
  EXPECT_NE(text.find("vmm_worker_frames_in_network 16"), std::string::npos) << text;
  EXPECT_NE(text.find("vmm_worker_frames_processed_total 7"), std::string::npos) << text;
  EXPECT_NE(text.find("vmm_worker_stage_seconds_total{stage=\"decode\"} 0.5"), std::string::npos);
  EXPECT_NE(text.find("vmm_worker_stage_seconds_total{stage=\"encoder\"} 1.25"), std::string::npos);
  EXPECT_NE(text.find("vmm_worker_busy 1"), std::string::npos);
  EXPECT_NE(text.find("vmm_worker_info{device=\"cuda:0\",kernels=\"LibTorch convolutions on "
                      "cuda:0\"} 1"),
            std::string::npos)
      << text;
}

TEST(WorkerMetricsTest, ServesOnAFreePort) {
  WorkerMetrics metrics("cpu", "engine Winograd");
  metrics.AddFrames(3);
  absl::StatusOr<int> port = metrics.Serve("127.0.0.1:0");
  ASSERT_TRUE(port.ok()) << port.status();
  ASSERT_GT(*port, 0);
  const std::string response = HttpGetMetricsResponse(*port);
  EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
  EXPECT_NE(response.find("vmm_worker_frames_processed_total 3"), std::string::npos);
}

TEST(WorkerMetricsTest, BusyPortIsUnavailableNamingTheAddress) {
  WorkerMetrics first("cpu", "engine Winograd");
  absl::StatusOr<int> port = first.Serve("127.0.0.1:0");
  ASSERT_TRUE(port.ok()) << port.status();
  WorkerMetrics second("cpu", "engine Winograd");
  const std::string address = "127.0.0.1:" + std::to_string(*port);
  absl::StatusOr<int> clash = second.Serve(address);
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(clash.status().message().find(address), std::string::npos);
}

}  // namespace
}  // namespace vmm::worker
