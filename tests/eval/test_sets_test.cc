// Tests of the test-set builder: the test points follow Fig. 8 and Table A.2, scenes get exactly
// the requested motion, alpha and noise, and everything is reproducible from the seed.
#include "train/eval/test_sets.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tests/eval/eval_test_pool.h"

namespace vmm::train::eval {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Length(const Motion& m) { return std::hypot(m.dx, m.dy); }

// Angle between two motions in degrees (0..180).
double AngleBetween(const Motion& a, const Motion& b) {
  const double cosine = (a.dx * b.dx + a.dy * b.dy) / (Length(a) * Length(b));
  return std::acos(std::clamp(cosine, -1.0, 1.0)) * 180 / kPi;
}

TEST(TestPointsTest, EveryPointMagnifiesToTenPixels) {
  const std::vector<TestPoint> points = AllTestPoints();
  ASSERT_EQ(points.size(), SubPixelMotions().size() + 2 * NoiseFactors().size());
  int sub_pixel = 0;
  for (const TestPoint& p : points) {
    EXPECT_NEAR(p.alpha * p.input_motion, 10.0, 1e-9) << p.Label();
    if (p.kind == TestKind::kSubPixel) {
      ++sub_pixel;
      EXPECT_EQ(p.noise_factor, 0) << p.Label();
    } else {
      EXPECT_GT(p.noise_factor, 0) << p.Label();
    }
  }
  EXPECT_EQ(sub_pixel, 7);
  EXPECT_EQ(points.front().input_motion, 0.01);
  EXPECT_EQ(points.front().alpha, 1000);
  EXPECT_EQ(NoiseMotions(), (std::vector<double>{0.05, 2.0}));
  EXPECT_EQ(points.back().Curve(), "noise 2 px");
  EXPECT_EQ(points.back().Label(), "noise 2 px, factor 100");
}

TEST(TestSetBuilderTest, SubPixelSceneHasTheRequestedMotionAndAlpha) {
  const TestSetBuilder builder(testing::MakeTestPool(), 64, 7);
  const TestPoint point{TestKind::kSubPixel, 0.05, 200, 0};
  for (int i = 0; i < 4; ++i) {
    const SceneSpec scene = builder.Scene(point, i);
    ASSERT_FALSE(scene.objects.empty());
    EXPECT_NEAR(MaxInputMotion(scene), 0.05, 1e-12);
    EXPECT_EQ(scene.alpha, 200);
    EXPECT_EQ(scene.noise_level, 0);
    EXPECT_FALSE(scene.dither);
    EXPECT_EQ(scene.perturbation.gain, (std::array<double, 3>{1, 1, 1}));
    EXPECT_NEAR(Length(scene.background.motion), 0.05, 1e-12);
    for (const ObjectSpec& object : scene.objects) {
      EXPECT_NEAR(Length(object.motion), 0.05, 1e-12);
      EXPECT_EQ(object.motion.dx, scene.objects[0].motion.dx);
      EXPECT_EQ(object.motion.dy, scene.objects[0].motion.dy);
      EXPECT_GE(AngleBetween(object.motion, scene.background.motion), 90 - 1e-6);
    }
  }
}

TEST(TestSetBuilderTest, NoiseSceneKeepsTheBackgroundStillAndSetsTheNoise) {
  const TestSetBuilder builder(testing::MakeTestPool(), 64, 7);
  const TestPoint point{TestKind::kNoise, 2.0, 5, 0.3};
  const SceneSpec scene = builder.Scene(point, 1);
  EXPECT_NEAR(MaxInputMotion(scene), 2.0, 1e-12);
  EXPECT_EQ(scene.alpha, 5);
  EXPECT_EQ(Length(scene.background.motion), 0);
  // Variance n^2 * x (0..255 units) = 0.3 * x.
  EXPECT_NEAR(scene.noise_level * scene.noise_level, 0.3, 1e-12);
}

TEST(TestSetBuilderTest, SampleShowsTheSameSceneAtEveryPoint) {
  const TestSetBuilder builder(testing::MakeTestPool(), 64, 7);
  const SceneSpec small = builder.Scene(TestPoint{TestKind::kSubPixel, 0.01, 1000, 0}, 2);
  const SceneSpec noisy = builder.Scene(TestPoint{TestKind::kNoise, 2.0, 5, 10}, 2);
  EXPECT_EQ(small.background.source, noisy.background.source);
  EXPECT_EQ(small.background.center_u, noisy.background.center_u);
  ASSERT_EQ(small.objects.size(), noisy.objects.size());
  EXPECT_EQ(small.objects[0].center_x, noisy.objects[0].center_x);
  // Same direction: the motions differ only by their size (0.01 px against 2 px).
  EXPECT_NEAR(small.objects[0].motion.dx * 200, noisy.objects[0].motion.dx, 1e-12);
  EXPECT_NEAR(small.objects[0].motion.dy * 200, noisy.objects[0].motion.dy, 1e-12);
}

TEST(TestSetBuilderTest, RenderingIsDeterministicAndSeeded) {
  const auto pool = testing::MakeTestPool();
  const TestSetBuilder first(pool, 32, 11), again(pool, 32, 11), other(pool, 32, 12);
  const TestPoint point{TestKind::kNoise, 0.05, 200, 1};
  const std::vector<Sample> a = first.Render(point, 0, 2);
  const std::vector<Sample> b = again.Render(point, 0, 2);
  const std::vector<Sample> c = other.Render(point, 0, 2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].frame_a.width, 32);
  EXPECT_EQ(a[0].alpha, 200);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(a[i].frame_a.data, b[i].frame_a.data);
    EXPECT_EQ(a[i].frame_b.data, b[i].frame_b.data);
    EXPECT_EQ(a[i].target.data, b[i].target.data);
  }
  EXPECT_NE(a[0].target.data, c[0].target.data);
  EXPECT_NE(a[0].frame_b.data, a[1].frame_b.data);
  // Render(point, 1, 1) is sample 1 of Render(point, 0, 2).
  EXPECT_EQ(first.Render(point, 1, 1)[0].frame_b.data, a[1].frame_b.data);
}

TEST(TestSetBuilderTest, NoiseReachesTheInputsButNotTheTarget) {
  const TestSetBuilder builder(testing::MakeTestPool(), 32, 3);
  const Sample clean = builder.Render(TestPoint{TestKind::kNoise, 2.0, 5, 0}, 0, 1)[0];
  const Sample noisy = builder.Render(TestPoint{TestKind::kNoise, 2.0, 5, 10}, 0, 1)[0];
  EXPECT_EQ(clean.target.data, noisy.target.data);
  double squared = 0;
  for (size_t i = 0; i < clean.frame_b.data.size(); ++i) {
    const double d = (noisy.frame_b.data[i] - clean.frame_b.data[i]) * 127.5;
    squared += d * d;
  }
  // Variance 10 * x with x around 128 (0..255): a standard deviation of roughly 35 levels.
  const double rms = std::sqrt(squared / clean.frame_b.data.size());
  EXPECT_GT(rms, 15);
  EXPECT_LT(rms, 60);
}

}  // namespace
}  // namespace vmm::train::eval
