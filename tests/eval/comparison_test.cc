// Tests of the sample-by-sample comparison of two evaluations: reading samples.csv, the paired
// differences and their standard errors, the verdicts and the groups (vmm-eval-compare itself:
// cli_test.cc).
#include "train/eval/comparison.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "train/eval/results.h"

namespace vmm::train::eval {
namespace {

namespace fs = std::filesystem;

PointSampleScores Point(const std::string& curve, const std::string& motion,
                        const std::string& factor, std::vector<double> ssim) {
  return PointSampleScores{curve, motion, factor, std::move(ssim)};
}

TEST(ComparePairedTest, APairedShiftIsUpOrDownAndScatterAroundZeroIsLevel) {
  const std::vector<PointSampleScores> base = {
      Point("sub-pixel", "0.1", "0", {0.2, 0.5, 0.8, 0.4}),
      Point("noise 2 px", "2", "100", {0.3, 0.6, 0.9, 0.5}),
      Point("noise 2 px", "2", "30", {0.3, 0.6, 0.9, 0.5})};
  // Up by 0.01 on every sample; down by 0.002 on every sample; +-0.01 around zero.
  const std::vector<PointSampleScores> candidate = {
      Point("noise 2 px", "2", "100", {0.298, 0.598, 0.898, 0.498}),
      Point("sub-pixel", "0.1", "0", {0.21, 0.51, 0.81, 0.41}),
      Point("noise 2 px", "2", "30", {0.31, 0.59, 0.91, 0.49})};
  const absl::StatusOr<Comparison> comparison = ComparePaired(base, candidate, 2);
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  ASSERT_EQ(comparison->points.size(), 3u);
  const PairedChange& sub_pixel = comparison->points[0];
  EXPECT_EQ(sub_pixel.name, "motion 0.1 px");
  EXPECT_NEAR(sub_pixel.difference, 0.01, 1e-12);
  EXPECT_NEAR(sub_pixel.standard_error, 0, 1e-12);
  EXPECT_EQ(sub_pixel.change, Change::kUp);
  const PairedChange& heavy = comparison->points[1];
  EXPECT_EQ(heavy.name, "noise 2 px, factor 100");
  EXPECT_NEAR(heavy.difference, -0.002, 1e-12);
  EXPECT_EQ(heavy.change, Change::kDown);  // small, but every sample fell
  const PairedChange& scattered = comparison->points[2];
  EXPECT_NEAR(scattered.difference, 0, 1e-12);
  EXPECT_NEAR(scattered.standard_error, std::sqrt(4 * 0.01 * 0.01 / 3) / 2, 1e-12);
  EXPECT_EQ(scattered.change, Change::kLevel);

  // Groups: each curve, then all noise points, each sample averaged over the group's points.
  ASSERT_EQ(comparison->groups.size(), 3u);
  EXPECT_EQ(comparison->groups[0].name, "sub-pixel (all motions)");
  EXPECT_EQ(comparison->groups[1].name, "noise 2 px (all factors)");
  EXPECT_EQ(comparison->groups[1].points, 2);
  EXPECT_NEAR(comparison->groups[1].difference, -0.001, 1e-12);
  EXPECT_EQ(comparison->groups[2].name, "noise (all points)");
  EXPECT_TRUE(comparison->unmatched.empty());
}

TEST(ComparePairedTest, UnmatchedPointsAreListedAndDifferentSampleCountsRefused) {
  const std::vector<PointSampleScores> base = {Point("sub-pixel", "0.1", "0", {0.2, 0.5}),
                                               Point("sub-pixel", "1", "0", {0.2, 0.5})};
  const std::vector<PointSampleScores> candidate = {Point("sub-pixel", "0.1", "0", {0.3, 0.6}),
                                                    Point("noise 2 px", "2", "10", {0.3, 0.6})};
  const absl::StatusOr<Comparison> comparison = ComparePaired(base, candidate, 2);
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  EXPECT_EQ(comparison->points.size(), 1u);
  EXPECT_EQ(comparison->unmatched,
            (std::vector<std::string>{"motion 1 px", "noise 2 px, factor 10"}));
  const std::string md = FormatComparison(*comparison);
  EXPECT_TRUE(absl::StrContains(md, "| motion 0.1 px | 0.3500 | 0.4500 | +0.1000 | 0.0000 | up |"))
      << md;
  EXPECT_TRUE(absl::StrContains(md, "Points: 1 up, 0 level, 0 down.")) << md;
  EXPECT_TRUE(absl::StrContains(md, "Scored by one evaluation only: motion 1 px; noise 2 px"))
      << md;

  const absl::StatusOr<Comparison> uneven =
      ComparePaired(base, {Point("sub-pixel", "0.1", "0", {0.3})}, 2);
  EXPECT_EQ(uneven.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(uneven.status().message(), "same --samples")) << uneven.status();
  EXPECT_EQ(ComparePaired(base, {Point("noise 2 px", "2", "10", {0.3, 0.6})}, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
}

class SampleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / absl::StrCat("vmm-eval-compare-", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "base");
    fs::create_directories(dir_ / "candidate");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `folder`/samples.csv as vmm-eval would, with two methods of two samples per point.
  void WriteEvaluation(const std::string& folder, double learned_shift) const {
    EvaluationResults results;
    results.methods = {"reference", "learned"};
    results.points.push_back({TestPoint{TestKind::kSubPixel, 0.5, 20, 0},
                              {{0.3, 0.4}, {0.6 + learned_shift, 0.7 + learned_shift}}});
    results.points.push_back({TestPoint{TestKind::kNoise, 2, 5, 100},
                              {{0.1, 0.2}, {0.4 - learned_shift, 0.5 - learned_shift}}});
    std::ofstream(dir_ / folder / "samples.csv") << FormatSamplesCsv(results);
  }

  fs::path dir_;
};

TEST_F(SampleFilesTest, ReadsOneMethodsScoresInFileOrder) {
  WriteEvaluation("base", 0);
  const auto scores = ReadSampleScores((dir_ / "base" / "samples.csv").string(), "learned");
  ASSERT_TRUE(scores.ok()) << scores.status();
  ASSERT_EQ(scores->size(), 2u);
  EXPECT_EQ((*scores)[0].Label(), "motion 0.5 px");
  EXPECT_EQ((*scores)[0].ssim, (std::vector<double>{0.6, 0.7}));
  EXPECT_EQ((*scores)[1].Label(), "noise 2 px, factor 100");

  const auto none = ReadSampleScores((dir_ / "base" / "samples.csv").string(), "phase");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(none.status().message(), "'phase'")) << none.status();
  EXPECT_EQ(ReadSampleScores((dir_ / "nothing.csv").string(), "learned").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SampleFilesTest, MalformedOrOutOfOrderRowsAreNamedByLine) {
  std::ofstream(dir_ / "bad.csv") << "curve,input_motion_px,alpha,noise_factor,method,sample,ssim\n"
                                  << "sub-pixel,0.5,20,0,learned,0,0.6\n"
                                  << "sub-pixel,0.5,20,0,learned,2,0.6\n";
  const auto skipped = ReadSampleScores((dir_ / "bad.csv").string(), "learned");
  EXPECT_EQ(skipped.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(skipped.status().message(), "line 3")) << skipped.status();
  std::ofstream(dir_ / "bad.csv") << "curve,input_motion_px,alpha,noise_factor,method,sample,ssim\n"
                                  << "sub-pixel,0.5,20,0,learned,0,high\n";
  EXPECT_TRUE(absl::StrContains(
      ReadSampleScores((dir_ / "bad.csv").string(), "learned").status().message(), "line 2"));
  std::ofstream(dir_ / "bad.csv") << "curve,input_motion_px,alpha,noise_factor,method,mean_ssim\n";
  EXPECT_TRUE(absl::StrContains(
      ReadSampleScores((dir_ / "bad.csv").string(), "learned").status().message(),
      "not a samples.csv"));
}

}  // namespace
}  // namespace vmm::train::eval
