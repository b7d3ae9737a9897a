// `vmm magnify` interrupted as a person does it, with Ctrl-C: the frames done are kept in a
// complete, playable file under the name asked for, and the exit code says it was stopped.
#include <signal.h>

#include <filesystem>
#include <string>
#include <thread>

#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

class LocalMagnifyTest : public ServiceTest {};

TEST_F(LocalMagnifyTest, CtrlCKeepsTheFramesDoneInAPlayableFile) {
  constexpr int kFrames = 300;
  const std::string input = MakeInput("long.mkv", 128, 96, kFrames);
  const std::string output = Path("out.mkv");
  const std::string partial = Path(".out.partial.mkv");
  Subprocess magnify({VmmBinary(), "magnify", input, "-o", output, "--model", model_, "--threads",
                      "1", "--batch", "1"},
                     {}, Path("magnify.out"), Path("magnify.log"));
  // Some frames are written once the partial output has grown past its header.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code error;
  const auto written = [&] {
    return std::filesystem::exists(partial) && std::filesystem::file_size(partial, error) >= 20000;
  };
  while (!written() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(written()) << ReadFile(Path("magnify.log"));
  magnify.Signal(SIGINT);
  const std::optional<int> code = magnify.Wait(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << "vmm magnify did not end after Ctrl-C";
  const std::string log = ReadFile(Path("magnify.log"));
  EXPECT_EQ(*code, 4) << log;
  EXPECT_NE(log.find("stopped by Ctrl-C: " + output + " holds the first "), std::string::npos)
      << log;
  absl::StatusOr<std::vector<media::Frame>> frames = ReadFrames(output);
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_GT(frames->size(), 0u);
  EXPECT_LT(frames->size(), static_cast<size_t>(kFrames)) << "it ran to the end before Ctrl-C";
  EXPECT_NE(log.find("holds the first " + std::to_string(frames->size()) + " frames"),
            std::string::npos)
      << log;
  EXPECT_FALSE(std::filesystem::exists(partial));
}

}  // namespace
}  // namespace vmm::integration
