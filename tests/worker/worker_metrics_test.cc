#include "worker/worker_metrics.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace vmm::worker {
namespace {

// The metric names of the vmm-worker table of docs/metrics.md.
std::set<std::string> DocumentedWorkerNames() {
  std::ifstream doc(std::string(VMM_SOURCE_DIR) + "/docs/metrics.md");
  std::string line;
  bool in_worker_section = false;
  std::set<std::string> names;
  const std::regex row(R"(^\|\s*(vmm_[a-z_]+)\s*\|)");
  while (std::getline(doc, line)) {
    if (line.rfind("## ", 0) == 0) in_worker_section = line.find("vmm-worker") != std::string::npos;
    std::smatch match;
    if (in_worker_section && std::regex_search(line, match, row)) names.insert(match[1]);
  }
  return names;
}

// The family names (# TYPE lines) of a text exposition.
std::set<std::string> ExposedNames(const std::string& text) {
  std::set<std::string> names;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

// GET /metrics from 127.0.0.1:port.
std::string HttpGetMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, got);
  close(fd);
  return response;
}

TEST(WorkerMetricsTest, NamesAreExactlyTheDocumentedOnes) {
  const std::set<std::string> documented = DocumentedWorkerNames();
  ASSERT_EQ(documented.size(), 4u) << "docs/metrics.md's worker table changed";
  WorkerMetrics metrics("cpu");
  EXPECT_EQ(ExposedNames(metrics.Scrape()), documented);
}

TEST(WorkerMetricsTest, CountsFramesStagesAndBusy) {
  WorkerMetrics metrics("cuda:0");
  metrics.AddFrames(7);
  metrics.AddFrames(-3);  // ignored
  StageSeconds stages;
  stages.decode = 0.5;
  stages.encoder = 1.25;
  metrics.AddStageSeconds(stages);
  metrics.SetBusy(true);
  const std::string text = metrics.Scrape();
  EXPECT_NE(text.find("vmm_worker_frames_processed_total 7"), std::string::npos) << text;
  EXPECT_NE(text.find("vmm_worker_stage_seconds_total{stage=\"decode\"} 0.5"), std::string::npos);
  EXPECT_NE(text.find("vmm_worker_stage_seconds_total{stage=\"encoder\"} 1.25"), std::string::npos);
  EXPECT_NE(text.find("vmm_worker_busy 1"), std::string::npos);
  EXPECT_NE(text.find("vmm_worker_info{device=\"cuda:0\"} 1"), std::string::npos);
}

TEST(WorkerMetricsTest, ServesOnAFreePort) {
  WorkerMetrics metrics("cpu");
  metrics.AddFrames(3);
  absl::StatusOr<int> port = metrics.Serve("127.0.0.1:0");
  ASSERT_TRUE(port.ok()) << port.status();
  ASSERT_GT(*port, 0);
  const std::string response = HttpGetMetrics(*port);
  EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
  EXPECT_NE(response.find("vmm_worker_frames_processed_total 3"), std::string::npos);
}

TEST(WorkerMetricsTest, BusyPortIsUnavailableNamingTheAddress) {
  WorkerMetrics first("cpu");
  absl::StatusOr<int> port = first.Serve("127.0.0.1:0");
  ASSERT_TRUE(port.ok()) << port.status();
  WorkerMetrics second("cpu");
  const std::string address = "127.0.0.1:" + std::to_string(*port);
  absl::StatusOr<int> clash = second.Serve(address);
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(clash.status().message().find(address), std::string::npos);
}

}  // namespace
}  // namespace vmm::worker
