// `vmm magnify` as a user runs it: a real process, real files. Each bad input must give a clear
// message and a non-zero exit code, never a crash.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/layers.h"
#include "engine/network.h"
#include "engine/weights_file.h"
#include "media/video_reader.h"
#include "tests/client/run_vmm.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using vmm::client::testing::Result;
using vmm::client::testing::RunVmm;

class MagnifyCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("vmm-cli-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    vmm::engine::MagnificationNet net;
    vmm::engine::InitWeightsTruncatedNormal(*net, 3);
    ASSERT_TRUE(vmm::engine::SaveWeights(*net, {}, Path("model.vmmw")).ok());
    ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                           "testsrc2=size=66x50:rate=25 -frames:v 7 -pix_fmt yuv420p " +
                           Path("clip.mp4")).c_str()),
              0);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }
  static void WriteFile(const std::string& name, const std::string& bytes) {
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }
  static std::string Magnify(const std::string& input, const std::string& extra) {
    return "magnify " + input + " -o " + Path("out.mkv") + " --model " + Path("model.vmmw") +
           " " + extra;
  }

  static std::filesystem::path* dir_;
};

std::filesystem::path* MagnifyCommandTest::dir_ = nullptr;

TEST_F(MagnifyCommandTest, MagnifiesAVideoKeepingSizeAndFrameCount) {
  Result result = RunVmm(Magnify(Path("clip.mp4"), "--alpha 5 --batch 3"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  auto reader = vmm::media::VideoReader::Open(Path("out.mkv"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->info().width, 66);
  EXPECT_EQ((*reader)->info().height, 50);
  vmm::media::Frame frame;
  int frames = 0;
  while (*(*reader)->Read(&frame)) ++frames;
  EXPECT_EQ(frames, 7);
  EXPECT_FALSE(std::filesystem::exists(Path(".out.partial.mkv")));
}

TEST_F(MagnifyCommandTest, VerboseNamesTheDeviceAndTheKernelsOfEveryLayerKind) {
  Result result = RunVmm(Magnify(Path("clip.mp4"), "--alpha 5 --verbose --quiet"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("device cpu"));
  EXPECT_THAT(result.output, HasSubstr("oneDNN ISA "));
  EXPECT_THAT(result.output, HasSubstr("convolutions: "));
  // One line per layer kind after the run: the decoder's residual blocks among them.
  EXPECT_THAT(result.output, HasSubstr("3x3 conv 64->64: "));
  EXPECT_THAT(result.output, Not(HasSubstr("ref:")));
}

// User text is never a printf format: paths with conversions other than one %d are refused as
// usage errors naming the path (they crashed once, %n writing to memory), and nothing is written.
TEST_F(MagnifyCommandTest, OutputPathsWithOtherConversionsAreRefusedNotFormatted) {
  for (const std::string name : {"a%s.png", "a%n.png", "a%n%d.png", "%d%d.png"}) {
    const std::string output = Path(name);
    Result result = RunVmm("magnify " + Path("clip.mp4") + " -o '" + output + "' --model " +
                           Path("model.vmmw") + " --quiet");
    EXPECT_EQ(result.exit_code, 2) << name << ": " << result.output;
    EXPECT_THAT(result.output, HasSubstr(output)) << name;
    EXPECT_THAT(result.output, HasSubstr("%04d")) << name;  // says what would work
  }
  for (const auto& entry : std::filesystem::directory_iterator(*dir_)) {
    EXPECT_EQ(entry.path().filename().string().find('%'), std::string::npos) << entry.path();
  }
  // A video file's name may hold a percent sign: it is written under exactly that name.
  const std::string literal = Path("b%x%n.mkv");
  Result result = RunVmm("magnify " + Path("clip.mp4") + " -o '" + literal + "' --model " +
                         Path("model.vmmw") + " --quiet");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::filesystem::exists(literal));
  std::filesystem::remove(literal);
}

TEST_F(MagnifyCommandTest, CrfOutsideItsRangeIsAUsageErrorNamingIt) {
  Result result = RunVmm("magnify " + Path("clip.mp4") + " -o " + Path("crf.mp4") + " --model " +
                         Path("model.vmmw") + " --crf 99");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("crf 99 is outside 0..51"));
  EXPECT_THAT(result.output, Not(HasSubstr("partial")));
}

TEST_F(MagnifyCommandTest, FirWithFewerFramesThanTapsSaysWhatItNeeds) {
  Result result = RunVmm(Magnify(Path("clip.mp4"), "--mode temporal --fl 1 --fh 5 --filter fir --taps 15"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("needs at least 15 frames"));
  EXPECT_THAT(result.output, HasSubstr("has 7"));
  EXPECT_THAT(result.output, HasSubstr("fewer --taps"));
  EXPECT_FALSE(std::filesystem::exists(Path(".out.partial.mkv")));
}

// Every temporal filter runs to the end, keeps every frame, and is applied: the three give
// different frames.
TEST_F(MagnifyCommandTest, TemporalModeWithEveryFilterKeepsEveryFrameAndFiltersDifferently) {
  std::vector<std::vector<vmm::media::Frame>> outputs;
  for (const std::string filter : {"fir --taps 5", "butter --order 2", "iir"}) {
    const std::string output = Path("temporal-" + filter.substr(0, filter.find(' ')) + ".mkv");
    Result result = RunVmm("magnify " + Path("clip.mp4") + " -o " + output + " --model " +
                           Path("model.vmmw") +
                           " --mode temporal --alpha 10 --fl 1 --fh 5 --filter " + filter);
    ASSERT_EQ(result.exit_code, 0) << filter << ": " << result.output;
    auto reader = vmm::media::VideoReader::Open(output);
    ASSERT_TRUE(reader.ok()) << reader.status();
    std::vector<vmm::media::Frame> frames;
    vmm::media::Frame frame;
    while (*(*reader)->Read(&frame)) frames.push_back(frame);
    EXPECT_EQ(frames.size(), 7u) << filter;
    outputs.push_back(std::move(frames));
  }
  ASSERT_EQ(outputs.size(), 3u);
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      bool differ = false;
      for (size_t i = 0; i < std::min(outputs[a].size(), outputs[b].size()); ++i) {
        differ = differ || outputs[a][i].rgb != outputs[b][i].rgb;
      }
      EXPECT_TRUE(differ) << "filters " << a << " and " << b << " gave the same frames";
    }
  }
}

TEST_F(MagnifyCommandTest, HelpExplainsAlphaAndTheModes) {
  Result result = RunVmm("magnify --help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("output motion = alpha x input motion"));
  EXPECT_THAT(result.output, HasSubstr("dynamic"));
  EXPECT_THAT(result.output, HasSubstr("temporal"));
}

TEST_F(MagnifyCommandTest, MissingFileNamesIt) {
  Result result = RunVmm(Magnify(Path("absent.mp4"), ""));
  EXPECT_EQ(result.exit_code, 1) << result.output;  // README: 1 for a bad input file
  EXPECT_THAT(result.output, HasSubstr("absent.mp4"));
}

TEST_F(MagnifyCommandTest, EmptyFileIsRefused) {
  WriteFile("empty.mp4", "");
  Result result = RunVmm(Magnify(Path("empty.mp4"), ""));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("empty.mp4"));
}

TEST_F(MagnifyCommandTest, TextFileNamedMp4IsRefused) {
  WriteFile("notes.mp4", "this is a text file, not a video\n");
  Result result = RunVmm(Magnify(Path("notes.mp4"), ""));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("notes.mp4"));
}

TEST_F(MagnifyCommandTest, TruncatedMp4FailsCleanlyAndLeavesNoOutput) {
  std::ifstream in(Path("clip.mp4"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  WriteFile("cut.mp4", bytes.substr(0, bytes.size() * 2 / 3));
  std::filesystem::remove(Path("out.mkv"));
  Result result = RunVmm(Magnify(Path("cut.mp4"), ""));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("cut.mp4"));
  EXPECT_FALSE(std::filesystem::exists(Path("out.mkv")));
  EXPECT_FALSE(std::filesystem::exists(Path(".out.partial.mkv")));
}

TEST_F(MagnifyCommandTest, PatternWithFramesOfDifferentSizesNamesTheFrame) {
  std::filesystem::create_directories(Path("frames"));
  ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=32x24 "
                         "-frames:v 3 -start_number 0 " + Path("frames/%03d.png")).c_str()), 0);
  ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=40x24 "
                         "-frames:v 1 -update 1 " + Path("frames/003.png")).c_str()), 0);
  Result result = RunVmm(Magnify(Path("frames/%03d.png"), ""));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("003.png"));
}

// Every method runs through the same command, modes and filters; a still picture stays still
// with the classic methods (the test clip's frames change, so only the size and count are
// checked here; their accuracy is methods_tests'); an unknown method, and colour with a method
// other than linear, are usage errors.
TEST_F(MagnifyCommandTest, ClassicMethodsRunInEveryModeAndAnUnknownOneIsAUsageError) {
  for (const std::string method : {"phase", "riesz", "linear", "linear --color"}) {
    for (const std::string mode : {"static", "dynamic", "temporal --filter butter --fl 2 --fh 5",
                                   "temporal --filter accel --fl 2 --fh 5"}) {
      Result result = RunVmm(Magnify(Path("clip.mp4"), "--method " + method + " --mode " + mode));
      ASSERT_EQ(result.exit_code, 0) << method << " " << mode << ": " << result.output;
      auto reader = vmm::media::VideoReader::Open(Path("out.mkv"));
      ASSERT_TRUE(reader.ok()) << reader.status();
      EXPECT_EQ((*reader)->info().width, 66);
      vmm::media::Frame frame;
      int frames = 0;
      while (*(*reader)->Read(&frame)) ++frames;
      EXPECT_EQ(frames, 7) << method << " " << mode;
    }
  }
  Result unknown = RunVmm(Magnify(Path("clip.mp4"), "--method riesz2"));
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("--method must be learned, phase, riesz or linear"));
  Result colour = RunVmm(Magnify(Path("clip.mp4"), "--method phase --color"));
  EXPECT_EQ(colour.exit_code, 2) << colour.output;
  EXPECT_THAT(colour.output, HasSubstr("--color is for the linear method"));
  EXPECT_THAT(RunVmm("magnify --help").output, HasSubstr("phase-based (Wadhwa et al. 2013)"));
}

TEST_F(MagnifyCommandTest, BadAlphaIsAUsageErrorNamingAlpha) {
  for (const std::string alpha : {"nan", "-3"}) {
    Result result = RunVmm(Magnify(Path("clip.mp4"), "--alpha=" + alpha));
    EXPECT_EQ(result.exit_code, 2) << alpha << ": " << result.output;
    EXPECT_THAT(result.output, HasSubstr("alpha")) << alpha;
  }
}

TEST_F(MagnifyCommandTest, BadBandIsAUsageErrorNamingTheFrequency) {
  Result low_above_high = RunVmm(Magnify(Path("clip.mp4"), "--mode temporal --fl 5 --fh 2"));
  EXPECT_EQ(low_above_high.exit_code, 2) << low_above_high.output;
  EXPECT_THAT(low_above_high.output, HasSubstr("--fh must be above --fl (5 Hz), got 2"));
  Result above_nyquist = RunVmm(Magnify(Path("clip.mp4"), "--mode temporal --fl 1 --fh 13 --fs 25"));
  EXPECT_EQ(above_nyquist.exit_code, 2) << above_nyquist.output;
  EXPECT_THAT(above_nyquist.output,
              HasSubstr("--fh must be below half of --fs (12.5 Hz, the Nyquist rate), got 13"));
}

TEST_F(MagnifyCommandTest, ModelFileThatIsNotAModelIsRefused) {
  WriteFile("fake.vmmw", "not weights at all");
  Result result = RunVmm("magnify " + Path("clip.mp4") + " -o " + Path("out.mkv") + " --model " +
                      Path("fake.vmmw"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("fake.vmmw"));
  EXPECT_THAT(result.output, HasSubstr("not a vmm weights file"));
}

TEST_F(MagnifyCommandTest, UnknownFlagIsAUsageError) {
  Result result = RunVmm(Magnify(Path("clip.mp4"), "--alpah 3"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, Not(HasSubstr("Segmentation")));
}

}  // namespace
