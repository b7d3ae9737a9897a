// The bad-input corpus: every input a person may hand vmm by mistake (an empty file, a truncated
// video, a picture under a video's name, a text file, a header claiming a frame too big to hold,
// a folder, a missing file), and bad parameters, through `vmm magnify`, `vmm submit` and
// `vmm stream` against a real service. Each must end with the exit code README documents and a
// message naming what to fix, never a crash, and leave no output file behind; a one-frame video
// is valid and comes back as one frame.
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

// One bad input file: its name (the extension a user would give) and how to make it from a
// good video.
struct BadFile {
  std::string name;
  std::function<void(const std::string& good_video, const std::string& path)> make;
  std::string message;  // what every command's error must contain
};

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::vector<BadFile> Corpus() {
  return {
      {"empty.mp4", [](const std::string&, const std::string& path) { WriteBytes(path, ""); },
       "the file is empty"},
      {"truncated.mp4",
       [](const std::string& good, const std::string& path) {
         const std::string bytes = ReadBytes(good);
         WriteBytes(path, bytes.substr(0, bytes.size() / 2));
       },
       "cannot be read as a video"},
      {"notes.mp4",
       [](const std::string&, const std::string& path) {
         WriteBytes(path, "frame 1: bridge at rest\nframe 2: bridge sways\n");
       },
       "cannot be read as a video"},
      // A header claiming a picture FFmpeg itself refuses to allocate, and one it would take
      // but that is wider than vmm reads.
      {"huge.y4m",
       [](const std::string&, const std::string& path) {
         WriteBytes(path, "YUV4MPEG2 W60000 H60000 F30:1 Ip A1:1 C420jpeg\nFRAME\n" +
                              std::string(4096, '\x80'));
       },
       "Picture size 60000x60000 is invalid"},
      {"wide.y4m",
       [](const std::string&, const std::string& path) {
         WriteBytes(path, "YUV4MPEG2 W20000 H1000 F30:1 Ip A1:1 C420jpeg\nFRAME\n" +
                              std::string(4096, '\x80'));
       },
       "at most 16384 pixels a side"},
  };
}

// No exit by a signal (a crash is 128 + its number), the expected code, and the message.
void ExpectRefused(const CommandResult& result, int exit_code, const std::string& message) {
  EXPECT_EQ(result.exit_code, exit_code) << result.err;
  EXPECT_LT(result.exit_code, 128) << "crashed: " << result.err;
  EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
}

// Names of everything in `folder`.
std::vector<std::string> Listing(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

class BadInputTest : public ServiceTest {
 protected:
  // Makes every corpus file in inputs/ and a clean outputs/ folder.
  void SetUp() override {
    ServiceTest::SetUp();
    std::filesystem::create_directories(Path("inputs"));
    std::filesystem::create_directories(Path("outputs"));
    good_ = MakeInput("inputs/good.mp4", 64, 48, 8);
    for (const BadFile& file : Corpus()) file.make(good_, Path("inputs/" + file.name));
  }

  CommandResult MagnifyCommand(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {VmmBinary(), "magnify", "--model", model_, "--quiet",
                                     "--threads", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, {}, std::chrono::seconds(120), dir_);
  }

  std::string good_;
};

TEST_F(BadInputTest, MagnifyRefusesEveryBadFileNamingItAndLeavesNothing) {
  for (const BadFile& file : Corpus()) {
    SCOPED_TRACE(file.name);
    const std::string input = Path("inputs/" + file.name);
    CommandResult result = MagnifyCommand({input, "-o", Path("outputs/out.mp4")});
    ExpectRefused(result, 1, file.message);
    EXPECT_NE(result.err.find(input), std::string::npos) << result.err;
  }
  ExpectRefused(MagnifyCommand({Path("inputs"), "-o", Path("outputs/out.mp4")}), 1,
                "not a regular file");
  ExpectRefused(MagnifyCommand({Path("inputs/none.mp4"), "-o", Path("outputs/out.mp4")}), 1,
                "no such file");
  EXPECT_TRUE(Listing(Path("outputs")).empty());
}

TEST_F(BadInputTest, MagnifyRefusesBadParametersAsUsageBeforeAnyWork) {
  const std::string out = Path("outputs/out.mp4");
  ExpectRefused(MagnifyCommand({good_, "-o", out, "--alpha", "1e9"}), 2,
                "--alpha must be a number from 0 to 10000");
  ExpectRefused(MagnifyCommand({good_, "-o", out, "--mode", "temporal", "--fs", "-30"}), 2,
                "--fs must be above 0 Hz");
  ExpectRefused(MagnifyCommand({good_, "-o", out, "--fs", "0"}), 2,
                "--fs must be above 0 Hz (or not given: the input's frame rate), got 0");
  ExpectRefused(MagnifyCommand({good_, "-o", out, "--crf", "99"}), 2, "crf 99 is outside 0..51");
  ExpectRefused(MagnifyCommand({good_, "-o", Path("outputs/a%s.png")}), 2, "a%s.png");
  ExpectRefused(MagnifyCommand({good_, "-o", out, "--mode", "temporal", "--fh", "20"}), 2,
                "--fh must be below half of --fs");
  EXPECT_TRUE(Listing(Path("outputs")).empty());
}

TEST_F(BadInputTest, SubmitRefusesEveryBadFileBeforeAJobExists) {
  StartServer(Config(0));
  for (const BadFile& file : Corpus()) {
    SCOPED_TRACE(file.name);
    const std::string input = Path("inputs/" + file.name);
    CommandResult result = service_->Vmm({"submit", input, "-o", Path("outputs/out.mp4")});
    ExpectRefused(result, 1, file.message);
    EXPECT_NE(result.err.find(input), std::string::npos) << result.err;
  }
  ExpectRefused(service_->Vmm({"submit", good_, "-o", Path("outputs/o.mp4"), "--alpha", "1e9"}), 2,
                "--alpha must be a number from 0 to 10000");
  ExpectRefused(service_->Vmm({"submit", good_, "-o", Path("outputs/o.mp4"), "--mode", "temporal",
                               "--fs", "-30"}),
                2, "--fs must be above 0 Hz");
  ExpectRefused(service_->Vmm({"submit", good_, "-o", Path("outputs/o.mp4"), "--fs", "0"}), 2,
                "--fs must be above 0 Hz (or not given: the input's frame rate), got 0");
  CommandResult list = service_->Vmm({"list", "--json"});
  EXPECT_EQ(LastJson(list.out)["jobs"].size(), 0u) << "a refused input became a job";
  EXPECT_TRUE(Listing(Path("outputs")).empty());
}

TEST_F(BadInputTest, StreamRefusesEveryBadFileBeforeConnecting) {
  // No server: a bad file is found before any connection is tried, so the exit is 1, not 3.
  const std::string server = "127.0.0.1:" + std::to_string(FreePort());
  for (const BadFile& file : Corpus()) {
    SCOPED_TRACE(file.name);
    const std::string input = Path("inputs/" + file.name);
    CommandResult result =
        RunCommand({VmmBinary(), "stream", "-i", input, "-o", Path("outputs/out.mkv"), "--server",
                    server},
                   {}, std::chrono::seconds(60), dir_);
    ExpectRefused(result, 1, file.message);
    EXPECT_NE(result.err.find(input), std::string::npos) << result.err;
  }
  CommandResult alpha =
      RunCommand({VmmBinary(), "stream", "-i", good_, "-o", Path("outputs/out.mkv"), "--server",
                  server, "--alpha", "1e9"},
                 {}, std::chrono::seconds(60), dir_);
  ExpectRefused(alpha, 2, "--alpha must be a number from 0 to 10000");
  EXPECT_TRUE(Listing(Path("outputs")).empty());
}

// One frame is a valid if motionless video: every command gives it back as one frame.
TEST_F(BadInputTest, OneFrameVideoComesBackAsOneFrameEverywhere) {
  StartServer(Config(1));
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const std::string input = MakeInput("inputs/one.mkv", 64, 48, 1);
  ASSERT_EQ(MagnifyCommand({input, "-o", Path("outputs/local.mkv")}).exit_code, 0);
  CommandResult submitted = service_->Vmm({"submit", input, "-o", Path("outputs/job.mkv")});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  CommandResult streamed = service_->Vmm({"stream", "-i", input, "-o", Path("outputs/live.mkv")});
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  for (const char* name : {"local.mkv", "job.mkv", "live.mkv"}) {
    absl::StatusOr<std::vector<media::Frame>> frames =
        ReadFrames(Path(std::string("outputs/") + name));
    ASSERT_TRUE(frames.ok()) << name << ": " << frames.status();
    EXPECT_EQ(frames->size(), 1u) << name;
  }
  // A filter that needs more frames than there are says how many.
  CommandResult fir = MagnifyCommand({input, "-o", Path("outputs/fir.mkv"), "--mode", "temporal",
                                      "--filter", "fir"});
  ExpectRefused(fir, 1, "needs at least 31 frames");
  EXPECT_FALSE(std::filesystem::exists(Path("outputs/fir.mkv")));
}

}  // namespace
}  // namespace vmm::integration
