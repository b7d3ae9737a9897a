// A live stream through the real service: every frame comes back, in order, and the CLI
// reports latencies.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

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

// A classic method goes live through the same path (the worker registers it and runs the
// session on its own thread budget); the summary has the sustained rate.
TEST_F(LiveTest, TheRieszMethodStreamsLiveWithItsRate) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const std::string input = MakeInput("in.mkv", 64, 48, 20);
  CommandResult stream = service_->Vmm({"stream", "-i", input, "-o", Path("out.mkv"), "--method",
                                        "riesz", "--alpha", "5", "--json"});
  ASSERT_EQ(stream.exit_code, 0) << stream.err;
  const nlohmann::json report = LastJson(stream.out);
  EXPECT_EQ(report["frames"], 20) << stream.out;
  EXPECT_GT(report["frames_per_second"].get<double>(), 0) << stream.out;
  absl::StatusOr<std::vector<media::Frame>> frames = ReadFrames(Path("out.mkv"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_EQ(frames->size(), 20u);
  CommandResult text = service_->Vmm({"stream", "-i", input, "-o", Path("out2.mkv"), "--method",
                                      "riesz", "--frames", "5"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(" frames/s"), std::string::npos) << text.out;
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
  EXPECT_NE(stream.err.find("--filter fir needs future frames"), std::string::npos) << stream.err;
  EXPECT_FALSE(std::filesystem::exists(Path("out.mkv"))) << "a stream that never started left a file";
}

TEST_F(LiveTest, UnreachableServerLeavesNoFileBehind) {
  const std::string input = MakeInput("in.mkv", 64, 48, 4);
  CommandResult stream = RunCommand({VmmBinary(), "stream", "-i", input, "-o", Path("out.mp4"),
                                     "--server", "127.0.0.1:" + std::to_string(FreePort())},
                                    {}, std::chrono::seconds(60), Path(""));
  EXPECT_EQ(stream.exit_code, 3) << stream.err;
  EXPECT_FALSE(std::filesystem::exists(Path("out.mp4")));
}

// A person stops a camera stream with Ctrl-C: the stream ends cleanly and the output (MP4, whose
// index is written last) plays, with every frame that came back.
TEST_F(LiveTest, CtrlCEndsTheStreamKeepingEveryFrameReceivedInAPlayableFile) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  constexpr int kFrames = 600;
  const std::string input = MakeInput("in.mkv", 64, 48, kFrames);
  const std::string output = Path("out.mp4");
  Subprocess stream({VmmBinary(), "stream", "-i", input, "-o", output, "--alpha", "5",
                     "--max-in-flight", "2", "--json"},
                    {{"VMM_SERVER", service_->address()}}, Path("stream.out"), Path("stream.log"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(output) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(std::filesystem::exists(output)) << ReadFile(Path("stream.log"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stream.Signal(SIGINT);
  const std::optional<int> code = stream.Wait(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << "vmm stream did not end after Ctrl-C";
  EXPECT_EQ(*code, 0) << ReadFile(Path("stream.log"));
  EXPECT_NE(ReadFile(Path("stream.log")).find("stopping"), std::string::npos);
  const nlohmann::json report = LastJson(ReadFile(Path("stream.out")));
  const int frames = report["frames"].get<int>();
  EXPECT_GT(frames, 0);
  EXPECT_LT(frames, kFrames) << "the stream ran to its end before Ctrl-C";
  absl::StatusOr<std::vector<media::Frame>> written = ReadFrames(output);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(static_cast<int>(written->size()), frames);
}

// Ctrl-C before any frame came back (a large first frame takes seconds on one CPU thread): the
// user stopped the stream and there is nothing to keep, so exit 4 and no file.
TEST_F(LiveTest, CtrlCBeforeTheFirstFrameCameBackIsCancelledAndLeavesNoFile) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const std::string input = MakeInput("big.mkv", 1280, 720, 4);
  const std::string output = Path("out.mkv");
  Subprocess stream({VmmBinary(), "stream", "-i", input, "-o", output},
                    {{"VMM_SERVER", service_->address()}}, Path("stream.out"), Path("stream.log"));
  // Once the session runs (so the stream's Ctrl-C handling is in place), and long before the
  // first 1280x720 frame is magnified.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ServiceHarness::MetricValue(service_->ScrapeServer(), "vmm_live_sessions") != 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(ServiceHarness::MetricValue(service_->ScrapeServer(), "vmm_live_sessions"), 1);
  stream.Signal(SIGINT);
  const std::optional<int> code = stream.Wait(std::chrono::seconds(120));
  ASSERT_TRUE(code.has_value()) << "vmm stream did not end after Ctrl-C";
  EXPECT_EQ(*code, 4) << ReadFile(Path("stream.log"));
  EXPECT_NE(ReadFile(Path("stream.log")).find("stopped before any frame came back"),
            std::string::npos)
      << ReadFile(Path("stream.log"));
  EXPECT_FALSE(std::filesystem::exists(output));
}

}  // namespace
}  // namespace vmm::integration
