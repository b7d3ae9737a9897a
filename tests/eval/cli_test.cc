// Smoke tests of vmm-eval and vmm-eval-compare: a --quick run on a synthetic held-out pool (PNG
// files written here) with a randomly initialised model writes every table and figure; two runs
// compare point by point; missing inputs fail with a message naming them.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/layers.h"
#include "engine/weights_file.h"
#include "media/image_io.h"
#include "tests/eval/eval_test_pool.h"
#include "tests/integration/subprocess.h"

namespace vmm::train::eval {
namespace {

namespace fs = std::filesystem;

media::Frame ToFrame(const ByteImage& image) {
  media::Frame frame;
  frame.width = image.width;
  frame.height = image.height;
  for (size_t i = 0; i < image.pixels.size(); i += image.channels) {
    frame.rgb.insert(frame.rgb.end(), &image.pixels[i], &image.pixels[i] + 3);
  }
  return frame;
}

class EvalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / absl::StrCat("vmm-eval-cli-", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    std::ofstream backgrounds(dir_ / "data" / "heldout-backgrounds.txt");
    for (int i = 0; i < 2; ++i) {
      const fs::path path = dir_ / "data" / absl::StrCat("background-", i, ".png");
      ASSERT_TRUE(media::WriteImagePng(path, ToFrame(testing::MakeTexturedBackground(256, i))).ok());
      backgrounds << path.string() << "\n";
    }
    const fs::path object = dir_ / "data" / "object.png";
    ASSERT_TRUE(media::WriteImagePng(object, ToFrame(testing::MakeDiscObject(48))).ok());
    std::ofstream(dir_ / "data" / "heldout-objects.txt") << object.string() << "\n";
    engine::MagnificationNet net;
    engine::InitWeightsTruncatedNormal(*net, 1);
    ASSERT_TRUE(engine::SaveWeights(*net, engine::WeightsHeader{}, (dir_ / "model.vmmw").string())
                    .ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // vmm-eval on the pool written above, a tiny run, and `extra` arguments.
  std::vector<std::string> Command(const std::string& model, std::vector<std::string> extra = {},
                                   int crop = 32) const {
    std::vector<std::string> argv = {VMM_EVAL_BINARY, "--quick", "--samples", "1", "--crop",
                                     std::to_string(crop), "--threads", "1", "--data",
                                     (dir_ / "data").string(), "--model", model, "--out",
                                     (dir_ / "out").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // Exit code and output (stdout, then stderr) of `argv`.
  std::pair<int, std::string> RunCommand(const std::vector<std::string>& argv) const {
    const integration::CommandResult result =
        integration::RunCommand(argv, {}, std::chrono::minutes(10), dir_.string());
    return {result.exit_code, result.out + result.err};
  }

  fs::path dir_;
};

TEST_F(EvalCliTest, QuickRunWritesTablesAndFigures) {
  const auto [code, output] = RunCommand(Command((dir_ / "model.vmmw").string()));
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "| group | points | reference | linear | phase | riesz | learned |"))
      << output;
  EXPECT_TRUE(absl::StrContains(output, "[23/23] noise 2 px, factor 100")) << output;
  for (const char* name : {"results.md", "results.csv", "group-means.csv", "subpixel.svg",
                           "noise-0.05px.svg", "noise-2px.svg"}) {
    EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / name)) << name;
  }
  EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / "examples" / "subpixel-0.01px.png"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "out" / "examples" / "noise-2px-factor-100.png"));
  const std::string csv = integration::ReadFile((dir_ / "out" / "results.csv").string());
  EXPECT_TRUE(absl::StrContains(csv, "sub-pixel,0.01,1000,0,learned,")) << csv;
  EXPECT_TRUE(absl::StrContains(integration::ReadFile((dir_ / "out" / "subpixel.svg").string()),
                                ">learned</text>"));
}

TEST_F(EvalCliTest, LearnedOnlyScoresTheReferenceAndTheNetwork) {
  const auto [code, output] =
      RunCommand(Command((dir_ / "model.vmmw").string(), {"--learned-only", "--chroma-limit"}));
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "| group | points | reference | learned | learned-chroma-limit |"))
      << output;
  const std::string csv = integration::ReadFile((dir_ / "out" / "results.csv").string());
  EXPECT_TRUE(absl::StrContains(csv, "sub-pixel,0.01,1000,0,learned,")) << csv;
  EXPECT_FALSE(absl::StrContains(csv, ",phase,")) << csv;
  EXPECT_FALSE(absl::StrContains(csv, ",riesz,")) << csv;
}

TEST_F(EvalCliTest, OnlyScoresThePointsWhoseLabelsMatch) {
  const auto [code, output] =
      RunCommand(Command((dir_ / "model.vmmw").string(),
                         {"--learned-only", "--only", "noise 2 px, factor 100", "--only",
                          "motion 0.5 px"}));
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "[ 2/2] noise 2 px, factor 100")) << output;
  const std::string csv = integration::ReadFile((dir_ / "out" / "results.csv").string());
  EXPECT_TRUE(absl::StrContains(csv, "sub-pixel,0.5,20,0,learned,")) << csv;
  EXPECT_FALSE(absl::StrContains(csv, "sub-pixel,0.01,")) << csv;
  EXPECT_FALSE(absl::StrContains(csv, "noise 2 px,2,5,30,")) << csv;

  const auto [none_code, none_output] =
      RunCommand(Command((dir_ / "model.vmmw").string(), {"--only", "no such point"}));
  EXPECT_EQ(none_code, 1);
  EXPECT_TRUE(absl::StrContains(none_output, "no test point's label contains")) << none_output;
}

TEST_F(EvalCliTest, CompareReportsTheChangesBetweenTwoEvaluations) {
  engine::MagnificationNet other;
  engine::InitWeightsTruncatedNormal(*other, 2);
  ASSERT_TRUE(engine::SaveWeights(*other, engine::WeightsHeader{}, (dir_ / "other.vmmw").string())
                  .ok());
  const std::vector<std::string> points = {"--learned-only", "--only", "motion 0.5 px", "--only",
                                           "factor 100"};
  const auto [base_code, base_output] =
      RunCommand(Command((dir_ / "model.vmmw").string(), points));
  ASSERT_EQ(base_code, 0) << base_output;
  fs::rename(dir_ / "out", dir_ / "base");
  const auto [other_code, other_output] =
      RunCommand(Command((dir_ / "other.vmmw").string(), points));
  ASSERT_EQ(other_code, 0) << other_output;

  const std::string base = (dir_ / "base").string(), out = (dir_ / "out").string();
  const auto [code, output] = RunCommand({VMM_EVAL_COMPARE_BINARY, base, out});
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "| motion 0.5 px | ")) << output;
  EXPECT_TRUE(absl::StrContains(output, "| noise 2 px, factor 100 | ")) << output;
  EXPECT_TRUE(absl::StrContains(output, "| noise 0.05 px, factor 100 | ")) << output;
  EXPECT_TRUE(absl::StrContains(output, "| noise (all points) | ")) << output;
  EXPECT_TRUE(absl::StrContains(output, "Points: ")) << output;

  // Against itself: every point level, by exactly nothing.
  const auto [self_code, self_output] =
      RunCommand({VMM_EVAL_COMPARE_BINARY, base, base});
  ASSERT_EQ(self_code, 0) << self_output;
  EXPECT_TRUE(absl::StrContains(self_output, "Points: 0 up, 3 level, 0 down.")) << self_output;
  EXPECT_TRUE(absl::StrContains(self_output, "| +0.0000 | 0.0000 | level |")) << self_output;

  fs::remove(dir_ / "out" / "samples.csv");
  const auto [missing_code, missing_output] =
      RunCommand({VMM_EVAL_COMPARE_BINARY, base, out});
  EXPECT_EQ(missing_code, 1);
  EXPECT_TRUE(absl::StrContains(missing_output, "vmm-eval-compare: cannot read")) << missing_output;
  EXPECT_TRUE(absl::StrContains(missing_output, "samples.csv")) << missing_output;
}

TEST_F(EvalCliTest, MissingModelOrDataIsNamed) {
  const std::string missing = (dir_ / "no-such-model.vmmw").string();
  const auto [code, output] = RunCommand(Command(missing));
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(absl::StrContains(output, "vmm-eval: ")) << output;
  EXPECT_TRUE(absl::StrContains(output, "no-such-model.vmmw")) << output;

  fs::remove(dir_ / "data" / "heldout-objects.txt");
  const auto [data_code, data_output] = RunCommand(Command((dir_ / "model.vmmw").string()));
  EXPECT_EQ(data_code, 1);
  EXPECT_TRUE(absl::StrContains(data_output, "heldout-objects.txt")) << data_output;
}

TEST_F(EvalCliTest, RejectsACropThePyramidCannotUse) {
  const auto [code, output] = RunCommand(Command((dir_ / "model.vmmw").string(), {}, 40));
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(absl::StrContains(output, "--crop must be a multiple of 16")) << output;
}

}  // namespace
}  // namespace vmm::train::eval
