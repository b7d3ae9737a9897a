// The held-out test sets of the paper's quantitative analysis (Oh et al., ECCV 2018, Sec. 4.1,
// Fig. 8 and Table A.2), built from the synthetic generator:
//   - sub-pixel: foreground input motion 0.01 to 1 px, alpha = 10 / motion (magnified motion
//     10 px), no noise, the background moving by the same amount in another direction;
//   - noise: input motion 0.05 px (alpha 200) and 2 px (alpha 5), the background still, photon
//     noise on the input frames whose variance is the pixel value (0..255) times a noise factor.
// Sample i of every test point shows the same scene (the same pictures, objects and directions);
// only the motion size, alpha and noise change, so points compare like with like. Everything is
// a pure function of (pool, crop size, seed, point, i). Colours are not perturbed (B has A's
// colours), and frames are rounded to 8 bits without dithering.
//
// Noise: the renderer's release-style noise, x + n * N(0, 1) * sqrt(x + 1) / sqrt(127.5) in
// [-1, 1] units, has variance n^2 times the 0..255 pixel value, so a noise factor f is rendered
// with noise level n = sqrt(f). Training draws n in [0, 0.3], i.e. factors up to 0.09.
//
// Thread-safety: TestSetBuilder is immutable after construction; its methods are const and safe
// to call concurrently. Plain C++ (no LibTorch).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "train/data/sample_generator.h"

namespace vmm::train::eval {

// The two kinds of test of Fig. 8.
enum class TestKind { kSubPixel, kNoise };

// One point of a test curve: a motion, a magnification and a noise factor.
struct TestPoint {
  TestKind kind = TestKind::kSubPixel;
  double input_motion = 0.1;  // px, foreground (and background for sub-pixel)
  double alpha = 100;         // magnification factor
  double noise_factor = 0;    // variance of the added noise / pixel value (0..255); 0: none

  // "sub-pixel" or "noise 0.05 px": the curve this point belongs to.
  std::string Curve() const;
  // A short unique label, e.g. "motion 0.05 px" or "noise 0.05 px, factor 0.3".
  std::string Label() const;
};

// Magnified motion every test aims at, in px (Fig. 8).
inline constexpr double kMagnifiedMotion = 10.0;

// Input motions of the sub-pixel test.
std::vector<double> SubPixelMotions();
// Input motions of the noise tests (0.05 px and 2 px).
std::vector<double> NoiseMotions();
// Noise factors of the noise tests, spanning the paper's axis (0.01 to 100).
std::vector<double> NoiseFactors();

// Every test point: the sub-pixel curve, then each noise curve in NoiseMotions() order.
std::vector<TestPoint> AllTestPoints();

// Builds the scenes and renders the samples of test points.
class TestSetBuilder {
 public:
  // Scenes of `crop_size` x `crop_size` pixels drawn from `pool` with `seed`.
  TestSetBuilder(std::shared_ptr<const ImagePool> pool, int crop_size, uint64_t seed);

  // The scene of sample `sample` (0-based) of `point`. Drawn scenes without foreground objects
  // are skipped, so every test scene has objects; all foreground objects move by
  // point.input_motion along one direction, the background (sub-pixel test) by the same amount
  // along a direction 90 to 270 degrees away, or not at all (noise test).
  SceneSpec Scene(const TestPoint& point, int sample) const;

  // Renders samples [first, first + count) of `point`.
  std::vector<Sample> Render(const TestPoint& point, int first, int count) const;

  // Side of the rendered frames, in pixels.
  int crop_size() const { return generator_.options().crop_size; }

 private:
  // Index of the generator's scene behind test sample `sample` (the sample-th with objects).
  uint64_t SceneIndex(int sample) const;

  SampleGenerator generator_;
  uint64_t seed_;
};

}  // namespace vmm::train::eval
