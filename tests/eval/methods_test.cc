// Tests of the compared methods: the steerable pyramid reconstructs, phase-based and linear
// magnification move a sub-pixel shift of a smooth pattern alpha times as far in the same
// direction, and the network runs on random weights (and, through the chroma limit, adds no colour
// to grey frames).
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "absl/strings/match.h"
#include "engine/layers.h"
#include "train/eval/methods.h"
#include "methods/phase_magnify.h"
#include "methods/steerable_pyramid.h"

namespace vmm::train::eval {
namespace {

using methods::PhaseBasedMagnify;
using methods::PyramidCoefficients;
using methods::PyramidOptions;
using methods::SteerablePyramid;
using methods::WeightedGaussianSmooth;

constexpr double kPi = 3.14159265358979323846;

// Frames [1, 3, height, width] of 0.5 sin(2 pi (x - shift) / period), the same in every row and
// channel (periodic across the frame when `period` divides `width`).
torch::Tensor Sinusoid(int64_t height, int64_t width, double period, double shift) {
  const torch::Tensor x = torch::arange(width, torch::kDouble);
  const torch::Tensor row = 0.5 * torch::sin(2 * kPi * (x - shift) / period);
  return row.to(torch::kFloat).view({1, 1, 1, width}).expand({1, 3, height, width}).contiguous();
}

// Position of the pattern: the phase of its `period` Fourier component along x, in pixels,
// averaged over rows and channels.
double PatternPosition(const torch::Tensor& frames, double period) {
  const torch::Tensor x = torch::arange(frames.size(3), torch::kDouble);
  const torch::Tensor row = frames.to(torch::kDouble).mean({0, 1, 2});
  const double re = (row * torch::cos(2 * kPi * x / period)).sum().item<double>();
  const double im = (row * torch::sin(2 * kPi * x / period)).sum().item<double>();
  // 0.5 sin(k (x - s)) has the component 0.25 i e^{-i k s} against e^{-i k x}: angle -pi/2 - k s.
  const double phase = std::atan2(-im, re);
  return std::remainder(-phase - kPi / 2, 2 * kPi) * period / (2 * kPi);
}

TEST(SteerablePyramidTest, CollapsingTheUnchangedPyramidReturnsTheImage) {
  torch::manual_seed(3);
  for (auto [height, width] : {std::pair<int64_t, int64_t>{64, 64}, {192, 192}, {64, 96}}) {
    auto pyramid = SteerablePyramid::Create(height, width, PyramidOptions{});
    ASSERT_TRUE(pyramid.ok()) << pyramid.status();
    const torch::Tensor images = torch::rand({2, height, width}) * 2 - 1;
    const PyramidCoefficients c = pyramid->Decompose(images);
    ASSERT_EQ(static_cast<int>(c.bands.size()), pyramid->levels());
    EXPECT_EQ(c.bands[1].sizes(), (torch::IntArrayRef{2, 4, height / 2, width / 2}));
    EXPECT_TRUE(c.bands[0].is_complex());
    const double error = (pyramid->Collapse(c) - images).abs().max().item<double>();
    EXPECT_LT(error, 1e-4) << height << "x" << width;
  }
  EXPECT_EQ(SteerablePyramid::AutomaticLevels(192, 192), 4);
  EXPECT_EQ(SteerablePyramid::AutomaticLevels(64, 64), 3);
}

TEST(SteerablePyramidTest, RejectsSizesThatDoNotFit) {
  auto odd = SteerablePyramid::Create(60, 64, PyramidOptions{4, 3});
  EXPECT_EQ(odd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(odd.status().message(), "multiples of 8")) << odd.status();
  EXPECT_TRUE(absl::StrContains(odd.status().message(), "64x60")) << odd.status();
  auto none = SteerablePyramid::Create(64, 64, PyramidOptions{0, 2});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(none.status().message(), "orientations")) << none.status();
}

TEST(PhaseBasedTest, AlphaOneReturnsFrameB) {
  torch::manual_seed(4);
  const torch::Tensor a = torch::rand({2, 3, 64, 64}) * 1.6 - 0.8;
  const torch::Tensor b = torch::rand({2, 3, 64, 64}) * 1.6 - 0.8;
  for (bool luminance : {false, true}) {
    PhaseMagnifyOptions options;
    options.luminance_only = luminance;
    auto out = PhaseBasedMagnify(a, b, 1.0, options);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_LT((*out - b).abs().max().item<double>(), 1e-4) << "luminance " << luminance;
  }
}

TEST(PhaseBasedTest, MagnifiesASubPixelShiftByAlpha) {
  const double period = 12;
  const torch::Tensor a = Sinusoid(64, 96, period, 0);
  for (double shift : {0.1, -0.05}) {
    const torch::Tensor b = Sinusoid(64, 96, period, shift);
    ASSERT_NEAR(PatternPosition(b, period) - PatternPosition(a, period), shift, 1e-6);
    for (bool luminance : {false, true}) {
      PhaseMagnifyOptions options;
      options.luminance_only = luminance;
      auto out = PhaseBasedMagnify(a, b, 10, options);
      ASSERT_TRUE(out.ok()) << out.status();
      const double moved = PatternPosition(*out, period) - PatternPosition(a, period);
      EXPECT_NEAR(moved, 10 * shift, 0.03 * std::abs(10 * shift)) << "shift " << shift;
    }
  }
}

TEST(PhaseBasedTest, RejectsFramesOfDifferentShapes) {
  auto out = PhaseBasedMagnify(torch::zeros({1, 3, 64, 64}), torch::zeros({1, 3, 64, 32}), 2);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(out.status().message(), "[1, 3, 64, 32]")) << out.status();
}

TEST(WeightedSmoothTest, IgnoresValuesWhereTheWeightIsZero) {
  torch::Tensor values = torch::full({1, 16, 16}, 0.5);
  torch::Tensor weights = torch::ones({1, 16, 16});
  values.index_put_({0, torch::indexing::Slice(0, 8)}, 3.0);
  weights.index_put_({0, torch::indexing::Slice(0, 8)}, 0.0);
  const torch::Tensor smoothed = WeightedGaussianSmooth(values, weights, 2.0);
  EXPECT_NEAR(smoothed.index({0, 12, 5}).item<double>(), 0.5, 1e-5);
  EXPECT_NEAR(smoothed.index({0, 9, 9}).item<double>(), 0.5, 1e-5);
}

TEST(LinearTest, MagnifiesASmoothShiftByAlpha) {
  const double period = 48;
  const torch::Tensor a = Sinusoid(16, 96, period, 0);
  for (double shift : {0.05, -0.02}) {
    const torch::Tensor b = Sinusoid(16, 96, period, shift);
    const torch::Tensor out = MakeLinearMethod()->Magnify(a, b, 10).value();
    const double moved = PatternPosition(out, period) - PatternPosition(a, period);
    EXPECT_NEAR(moved, 10 * shift, 0.01 * std::abs(10 * shift)) << "shift " << shift;
  }
  // Large factors clip rather than leave [-1, 1].
  const torch::Tensor clipped = LinearMagnify(a, Sinusoid(16, 96, period, 1), 1000);
  EXPECT_LE(clipped.abs().max().item<double>(), 1.0);
}

TEST(ReferenceTest, ReturnsFrameB) {
  const torch::Tensor a = torch::zeros({1, 3, 8, 8}), b = torch::ones({1, 3, 8, 8}) * 0.25;
  const torch::Tensor out = MakeReferenceMethod()->Magnify(a, b, 50).value();
  EXPECT_TRUE(torch::equal(out, b));
  EXPECT_EQ(MakeReferenceMethod()->name(), "reference");
}

TEST(LearnedTest, RunsRandomWeightsAndChecksTheFrames) {
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 5);
  net->eval();
  auto method = MakeLearnedMethod(net, torch::kCPU);
  torch::manual_seed(6);
  const torch::Tensor a = torch::rand({2, 3, 32, 48}) * 2 - 1;
  auto out = method->Magnify(a, a.flip(3), 20);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->sizes(), a.sizes());
  EXPECT_LE(out->abs().max().item<double>(), 1.0);
  EXPECT_TRUE(out->is_contiguous());
  // Alpha 1 is the same as decoding B itself: identical inputs give identical outputs.
  auto same = method->Magnify(a, a, 1);
  auto also = method->Magnify(a.flip(3), a, 1);
  ASSERT_TRUE(same.ok() && also.ok());
  EXPECT_LT((*same - *also).abs().max().item<double>(), 1e-5);

  auto bad = method->Magnify(torch::zeros({1, 3, 30, 32}), torch::zeros({1, 3, 30, 32}), 2);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "multiples of 4")) << bad.status();
}

TEST(LearnedTest, ChromaLimitedVariantKeepsGreyFramesGrey) {
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, 5);
  {
    // Weights large enough that the network paints colour on grey frames.
    torch::NoGradGuard no_grad;
    for (auto& p : net->parameters()) p.mul_(4);
  }
  net->eval();
  torch::manual_seed(6);
  const torch::Tensor grey = (torch::rand({1, 1, 32, 48}) * 2 - 1).expand({1, 3, 32, 48});
  const torch::Tensor a = grey.contiguous(), b = grey.flip(3).contiguous();
  auto largest_chroma = [](const torch::Tensor& frames) {
    return std::max((frames[0][0] - frames[0][1]).abs().max().item<double>(),
                    (frames[0][2] - frames[0][1]).abs().max().item<double>());
  };
  auto plain = MakeLearnedMethod(net, torch::kCPU)->Magnify(a, b, 20);
  auto limited = MakeLearnedMethod(net, torch::kCPU, "limited", true)->Magnify(a, b, 20);
  ASSERT_TRUE(plain.ok() && limited.ok());
  EXPECT_GT(largest_chroma(*plain), 0.05);
  EXPECT_EQ(limited->sizes(), a.sizes());
  EXPECT_LE(largest_chroma(*limited), 2.5 / 127.5);  // grey up to 8-bit rounding
}

}  // namespace
}  // namespace vmm::train::eval
