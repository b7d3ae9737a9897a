// Tests of the evaluation loop: the reference method scores SSIM(B, target) by construction,
// scores come per sample and method, and bad requests fail with the reason.
#include "train/eval/evaluation.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "absl/strings/match.h"
#include "tests/eval/eval_test_pool.h"
#include "train/data/batch.h"
#include "train/ssim.h"

namespace vmm::train::eval {
namespace {

std::vector<std::unique_ptr<MagnificationMethod>> ReferenceAndLinear() {
  std::vector<std::unique_ptr<MagnificationMethod>> methods;
  methods.push_back(MakeReferenceMethod());
  methods.push_back(MakeLinearMethod());
  return methods;
}

TEST(EvaluationTest, ReferenceScoreIsTheSsimOfFrameBAndTheTarget) {
  const TestSetBuilder builder(testing::MakeTestPool(), 32, 9);
  const std::vector<TestPoint> points = {TestPoint{TestKind::kSubPixel, 0.5, 20, 0},
                                         TestPoint{TestKind::kNoise, 2, 5, 3}};
  EvaluationOptions options;
  options.samples = 3;
  options.batch_size = 2;  // two batches per point, the second one short
  options.render_threads = 2;
  int calls = 0;
  auto results = RunEvaluation(builder, points, ReferenceAndLinear(), options,
                               [&](int index, int total, const PointScores& scores, double) {
                                 EXPECT_EQ(index, calls++);
                                 EXPECT_EQ(total, 2);
                                 EXPECT_EQ(scores.scores[0].size(), 3u);
                               });
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(results->methods, (std::vector<std::string>{"reference", "linear"}));
  ASSERT_EQ(results->points.size(), 2u);
  for (size_t p = 0; p < points.size(); ++p) {
    const TrainingBatch batch = ToBatch(builder.Render(points[p], 0, 3));
    const torch::Tensor expected = MeanSsim(batch.frame_b, batch.target).value();
    const std::vector<double>& reference = results->points[p].scores[0];
    ASSERT_EQ(reference.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(reference[i], expected[i].item<double>(), 1e-6) << "point " << p << " " << i;
    }
    // The linear method does change the frame, so it scores differently.
    EXPECT_NE(results->points[p].scores[1][0], reference[0]);
  }
  EXPECT_EQ(results->method_seconds.size(), 2u);
}

TEST(EvaluationTest, NeedsMethodsAndSamples) {
  const TestSetBuilder builder(testing::MakeTestPool(), 32, 9);
  const std::vector<TestPoint> points = {TestPoint{}};
  auto none = RunEvaluation(builder, points, {}, EvaluationOptions{});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(none.status().message(), "at least one method"));
  EvaluationOptions options;
  options.samples = 0;
  auto empty = RunEvaluation(builder, points, ReferenceAndLinear(), options);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(empty.status().message(), "0 samples"));
}

TEST(EvaluationTest, AMethodErrorNamesTheMethodAndThePoint) {
  // 40 px frames do not fit a pyramid of 4 levels (40 is not a multiple of 16).
  const TestSetBuilder builder(testing::MakeTestPool(), 40, 9);
  std::vector<std::unique_ptr<MagnificationMethod>> methods;
  PhaseMagnifyOptions options;
  options.pyramid.levels = 4;
  methods.push_back(MakePhaseBasedMethod(options));
  EvaluationOptions evaluation;
  evaluation.samples = 1;
  auto results = RunEvaluation(builder, {TestPoint{TestKind::kSubPixel, 0.2, 50, 0}}, methods,
                               evaluation);
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(results.status().message(), "method 'phase' at motion 0.2 px"))
      << results.status();
}

}  // namespace
}  // namespace vmm::train::eval
