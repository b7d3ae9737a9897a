#include "train/eval/test_sets.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace vmm::train::eval {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A number in [0, 1) from 64 random bits.
double UnitFromBits(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

GeneratorOptions TestGeneratorOptions(int crop_size, uint64_t seed) {
  GeneratorOptions options;
  options.crop_size = crop_size;
  options.seed = seed;
  options.sampler.perturb_colours = false;
  return options;
}

Motion MotionAlong(double angle, double magnitude) {
  return Motion{magnitude * std::cos(angle), magnitude * std::sin(angle)};
}

}  // namespace

std::string TestPoint::Curve() const {
  if (kind == TestKind::kSubPixel) return "sub-pixel";
  return absl::StrCat("noise ", input_motion, " px");
}

std::string TestPoint::Label() const {
  if (kind == TestKind::kSubPixel) return absl::StrCat("motion ", input_motion, " px");
  return absl::StrCat(Curve(), ", factor ", noise_factor);
}

std::vector<double> SubPixelMotions() { return {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0}; }

std::vector<double> NoiseMotions() { return {0.05, 2.0}; }

std::vector<double> NoiseFactors() { return {0.01, 0.1, 0.3, 1, 3, 10, 30, 100}; }

std::vector<TestPoint> AllTestPoints() {
  std::vector<TestPoint> points;
  for (double motion : SubPixelMotions()) {
    points.push_back(TestPoint{TestKind::kSubPixel, motion, kMagnifiedMotion / motion, 0});
  }
  for (double motion : NoiseMotions()) {
    for (double factor : NoiseFactors()) {
      points.push_back(TestPoint{TestKind::kNoise, motion, kMagnifiedMotion / motion, factor});
    }
  }
  return points;
}

TestSetBuilder::TestSetBuilder(std::shared_ptr<const ImagePool> pool, int crop_size,
                               uint64_t seed)
    : generator_(std::move(pool), TestGeneratorOptions(crop_size, seed)), seed_(seed) {}

uint64_t TestSetBuilder::SceneIndex(int sample) const {
  int found = -1;
  uint64_t index = 0;
  for (;; ++index) {
    if (!generator_.DrawScene(index).objects.empty() && ++found == sample) return index;
  }
}

SceneSpec TestSetBuilder::Scene(const TestPoint& point, int sample) const {
  const uint64_t index = SceneIndex(sample);
  SceneSpec scene = generator_.DrawScene(index);
  const uint64_t direction_bits = MixSeed(seed_ ^ 0x5eedd1ec7105ULL, index);
  const double foreground_angle = 2 * kPi * UnitFromBits(direction_bits);
  const double background_angle =
      foreground_angle + kPi / 2 + kPi * UnitFromBits(MixSeed(direction_bits, 1));
  for (ObjectSpec& object : scene.objects) {
    object.motion = MotionAlong(foreground_angle, point.input_motion);
  }
  scene.background.motion = point.kind == TestKind::kSubPixel
                                ? MotionAlong(background_angle, point.input_motion)
                                : Motion{};
  scene.alpha = point.alpha;
  scene.perturbation = ColourTransform{};
  scene.noise_level = std::sqrt(point.noise_factor);
  scene.dither = false;
  return scene;
}

std::vector<Sample> TestSetBuilder::Render(const TestPoint& point, int first, int count) const {
  std::vector<Sample> samples;
  samples.reserve(count);
  for (int i = first; i < first + count; ++i) samples.push_back(generator_.Render(Scene(point, i)));
  return samples;
}

}  // namespace vmm::train::eval
