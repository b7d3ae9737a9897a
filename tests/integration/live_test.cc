// A live stream through the real service: every frame comes back, in order, and the CLI
// reports latencies.
#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

class LiveTest : public ServiceTest {};

TEST_F(LiveTest, FiftyFramesComeBackInOrder) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const std::string input = MakeInput("in.mkv", 64, 48, 50);
  CommandResult stream = service_->Vmm({"stream", "-i", input, "-o", Path("out.mkv"), "--mode",
                                        "temporal", "--filter", "iir", "--alpha", "5", "--json"});
  ASSERT_EQ(stream.exit_code, 0) << stream.err;
  const nlohmann::json report = LastJson(stream.out);
  EXPECT_EQ(report["frames"], 50) << stream.out;
  EXPECT_EQ(report["worker"], "local-0");
  EXPECT_GT(report["round_trip"]["median_seconds"].get<double>(), 0);
  EXPECT_GE(report["round_trip"]["p99_seconds"].get<double>(),
            report["round_trip"]["median_seconds"].get<double>());
  absl::StatusOr<std::vector<media::Frame>> frames = ReadFrames(Path("out.mkv"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_EQ(frames->size(), 50u);
  const std::string metrics = service_->ScrapeServer();
  EXPECT_EQ(ServiceHarness::MetricValue(metrics, "vmm_live_sessions"), 0);
}

TEST_F(LiveTest, StaticModeWithAlphaOneGivesBackTheInput) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const std::string input = MakeInput("in.mkv", 64, 48, 6);
  CommandResult stream = service_->Vmm(
      {"stream", "-i", input, "-o", Path("out.mkv"), "--alpha", "1", "--mode", "static"});
  ASSERT_EQ(stream.exit_code, 0) << stream.err;
  EXPECT_NE(stream.out.find("median"), std::string::npos) << stream.out;
  absl::StatusOr<std::vector<media::Frame>> frames = ReadFrames(Path("out.mkv"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_EQ(frames->size(), 6u);
}

TEST_F(LiveTest, FirFilterIsRefusedNamingIt) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const std::string input = MakeInput("in.mkv", 64, 48, 4);
  CommandResult stream = service_->Vmm(
      {"stream", "-i", input, "-o", Path("out.mkv"), "--mode", "temporal", "--filter", "fir"});
  EXPECT_EQ(stream.exit_code, 2) << stream.err;
  EXPECT_NE(stream.err.find("params.filter"), std::string::npos) << stream.err;
}

}  // namespace
}  // namespace vmm::integration
