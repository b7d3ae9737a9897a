// `vmm analyze` and `vmm slice` as a user runs them: the summary, --json and --csv on a real
// video, the slice image, and each mistake with its exit code (README) and a message naming what
// to fix.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "media/image_io.h"
#include "tests/client/run_vmm.h"

namespace {

using ::testing::HasSubstr;
using vmm::client::testing::Result;
using vmm::client::testing::RunVmm;

class AnalyzeCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("vmm-analyze-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    // testsrc2 moves parts of its picture every frame: something to measure.
    for (const auto& [name, frames] : {std::pair{"long.mkv", 40}, std::pair{"short.mkv", 10}}) {
      ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                             "testsrc2=size=96x64:rate=20 -frames:v " +
                             std::to_string(frames) + " -c:v ffv1 " + Path(name))
                                .c_str()),
                0);
    }
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }

  static std::filesystem::path* dir_;
};

std::filesystem::path* AnalyzeCommandTest::dir_ = nullptr;

TEST_F(AnalyzeCommandTest, SummaryJsonAndCsvDescribeEveryRegion) {
  Result summary = RunVmm("analyze " + Path("long.mkv") + " --roi corner=4,4,24,24 --scale 0.5 -q");
  ASSERT_EQ(summary.exit_code, 0) << summary.output;
  EXPECT_THAT(summary.output, HasSubstr("96x64, 40 frames at fs 20 Hz; spectra in bins of 0.5 Hz"));
  EXPECT_THAT(summary.output, HasSubstr("region corner (4,4,24,24): rms x "));
  EXPECT_THAT(summary.output, HasSubstr(" mm)"));

  Result json = RunVmm("analyze " + Path("long.mkv") + " --roi corner=4,4,24,24 --roi 40,20,32,32" +
                       " --fs 60 --json --csv " + Path("csv") + " --plot " + Path("plots"));
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const nlohmann::json report = nlohmann::json::parse(json.output);
  EXPECT_EQ(report["frames"], 40);
  EXPECT_EQ(report["sample_rate_hz"], 60.0);  // --fs wins over the container's 20
  EXPECT_DOUBLE_EQ(report["bin_hz"].get<double>(), 1.5);
  // The whole frame's spectrum, one amplitude per bin from 0 Hz to the Nyquist rate.
  EXPECT_EQ(report["whole_frame"]["spectrum_px"].size(), 21u);
  ASSERT_EQ(report["regions"].size(), 2u);
  EXPECT_EQ(report["regions"][0]["name"], "corner");
  EXPECT_EQ(report["regions"][1]["name"], "roi2");
  EXPECT_EQ(report["regions"][1]["displacement_px"]["x"].size(), 40u);
  for (const nlohmann::json& peak : report["regions"][0]["peaks"]) {
    EXPECT_LT(peak["band"]["high_hz"].get<double>(), 30.0);
    EXPECT_THAT(peak["command"].get<std::string>(),
                HasSubstr("vmm magnify " + Path("long.mkv") + " -o long-"));
  }
  std::ifstream waves(Path("csv/waveforms.csv")), spectra(Path("csv/spectra.csv"));
  std::string header;
  ASSERT_TRUE(std::getline(waves, header));
  EXPECT_EQ(header, "region,frame,time_s,dx_px,dy_px,vx_px_per_s,vy_px_per_s");
  int rows = 0;
  for (std::string line; std::getline(waves, line);) ++rows;
  EXPECT_EQ(rows, 80);  // 40 frames of 2 regions
  ASSERT_TRUE(std::getline(spectra, header));
  EXPECT_EQ(header, "region,frequency_hz,amplitude_px,amplitude_x_px,amplitude_y_px");
  // Charts: the whole frame's spectrum, and each region's displacement and spectrum.
  for (const std::string name : {"frame-spectrum", "corner-displacement", "corner-spectrum",
                                 "roi2-displacement", "roi2-spectrum"}) {
    std::ifstream svg(Path("plots/" + name + ".svg"));
    const std::string text((std::istreambuf_iterator<char>(svg)), {});
    EXPECT_EQ(text.rfind("<svg", 0), 0u) << name;
    EXPECT_NE(text.find("<polyline"), std::string::npos) << name;
  }
  // Each peak's suggested band is shaded on its region's spectrum.
  std::ifstream corner(Path("plots/corner-spectrum.svg"));
  const std::string chart((std::istreambuf_iterator<char>(corner)), {});
  size_t spans = 0;
  for (size_t at = chart.find("class=\"span\""); at != std::string::npos;
       at = chart.find("class=\"span\"", at + 1)) {
    ++spans;
  }
  EXPECT_EQ(spans, report["regions"][0]["peaks"].size());
}

TEST_F(AnalyzeCommandTest, MistakesAreUsageErrorsNamingTheFlag) {
  const std::string input = Path("long.mkv");
  Result outside = RunVmm("analyze " + input + " --roi far=80,50,30,30");
  EXPECT_EQ(outside.exit_code, 2) << outside.output;
  EXPECT_THAT(outside.output, HasSubstr("region far (80,50,30,30) lies outside the 96x64 frame"));
  Result syntax = RunVmm("analyze " + input + " --roi left=1,2,3");
  EXPECT_EQ(syntax.exit_code, 2) << syntax.output;
  EXPECT_THAT(syntax.output, HasSubstr("--roi must be NAME=x,y,width,height"));
  Result rate = RunVmm("analyze " + input + " --fs -5");
  EXPECT_EQ(rate.exit_code, 2) << rate.output;
  EXPECT_THAT(rate.output, HasSubstr("--fs must be above 0 Hz, got -5"));
  Result frames = RunVmm("analyze " + input + " --frames 10");
  EXPECT_EQ(frames.exit_code, 2) << frames.output;
  EXPECT_THAT(frames.output, HasSubstr("--frames must be 0 (all) or at least 16, got 10"));
  // With --json a program gets the error as a JSON line too.
  Result json = RunVmm("analyze " + input + " --roi far=80,50,30,30 --json");
  EXPECT_EQ(json.exit_code, 2) << json.output;
  const size_t brace = json.output.find('{');
  ASSERT_NE(brace, std::string::npos) << json.output;
  const nlohmann::json error = nlohmann::json::parse(json.output.substr(brace))["error"];
  EXPECT_EQ(error["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(error["exit_code"], 2);
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("lies outside the 96x64 frame"));
  Result scale = RunVmm("analyze " + input + " --scale -1");
  EXPECT_EQ(scale.exit_code, 2) << scale.output;
  EXPECT_THAT(scale.output, HasSubstr("--scale must be above 0"));
}

TEST_F(AnalyzeCommandTest, InputsThatCannotBeAnalysedFailNamingWhy) {
  Result few = RunVmm("analyze " + Path("short.mkv") + " -q");
  EXPECT_EQ(few.exit_code, 1) << few.output;
  EXPECT_THAT(few.output, HasSubstr("has 10 frames; a spectrum needs at least 16"));
  std::ofstream(Path("notes.mp4")) << "not a video\n";
  Result text = RunVmm("analyze " + Path("notes.mp4"));
  EXPECT_EQ(text.exit_code, 1) << text.output;
  EXPECT_THAT(text.output, HasSubstr("cannot be read as a video"));
}

// Spectra assume evenly spaced frames: a video whose frames are not says so.
TEST_F(AnalyzeCommandTest, UnevenlySpacedFramesAreNoted) {
  ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                         "testsrc2=size=96x64:rate=20 -frames:v 30 -vf "
                         "\"setpts='if(lt(N,15),N/20,N/20+0.5)/TB'\" -fps_mode vfr -c:v ffv1 " +
                         Path("vfr.mkv"))
                            .c_str()),
            0);
  Result uneven = RunVmm("analyze " + Path("vfr.mkv") + " -q");
  EXPECT_EQ(uneven.exit_code, 0) << uneven.output;
  EXPECT_THAT(uneven.output, HasSubstr("not evenly spaced in time"));
  Result even = RunVmm("analyze " + Path("long.mkv") + " -q");
  EXPECT_THAT(even.output, ::testing::Not(HasSubstr("not evenly spaced")));
}

TEST_F(AnalyzeCommandTest, SliceStacksVideosOnOneTimeAxis) {
  const std::string png = Path("slice.png");
  Result both = RunVmm("slice " + Path("long.mkv") + " " + Path("short.mkv") +
                       " --column 30 -o " + png);
  ASSERT_EQ(both.exit_code, 0) << both.output;
  EXPECT_THAT(both.output,
              HasSubstr("2 slice(s), 40 frames wide, time axis at 20 frames per second"));
  absl::StatusOr<vmm::media::Frame> image = vmm::media::ReadImage(png);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 40);                 // the longer video's frames
  EXPECT_EQ(image->height, 64 + 4 + 64 + 16);  // two columns, the gap, the axis
  Result row = RunVmm("slice " + Path("long.mkv") + " --row 10 --range 0:49 --no-axis -o " + png);
  ASSERT_EQ(row.exit_code, 0) << row.output;
  image = vmm::media::ReadImage(png);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->height, 50);
}

TEST_F(AnalyzeCommandTest, SliceMistakesSayWhatToGive) {
  const std::string input = Path("long.mkv");
  Result neither = RunVmm("slice " + input + " -o " + Path("s.png"));
  EXPECT_EQ(neither.exit_code, 2) << neither.output;
  EXPECT_THAT(neither.output, HasSubstr("give one of --column X"));
  Result outside = RunVmm("slice " + input + " --column 96 -o " + Path("s.png"));
  EXPECT_EQ(outside.exit_code, 2) << outside.output;
  EXPECT_THAT(outside.output, HasSubstr("column 96"));
  Result jpeg = RunVmm("slice " + input + " --column 3 -o " + Path("s.jpg"));
  EXPECT_EQ(jpeg.exit_code, 2) << jpeg.output;
  EXPECT_THAT(jpeg.output, HasSubstr("-o must name a .png file"));
  Result missing = RunVmm("slice " + Path("none.mkv") + " --column 3 -o " + Path("s.png"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("none.mkv"));
  EXPECT_FALSE(std::filesystem::exists(Path("s.png")));
  EXPECT_FALSE(std::filesystem::exists(Path("s.jpg")));
}

}  // namespace
