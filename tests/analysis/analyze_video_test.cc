// The accuracy issue 14 asks of `vmm analyze`, on synthetic videos: a band-limited random texture
// in each region sways sinusoidally by a known sub-pixel amplitude at a known frequency (the
// texture is evaluated at the shifted position, so shifts are exact), photon noise is added and
// frames are rounded to 8 bits. Peak frequencies within one bin, amplitudes within 10% from
// 0.1 px up and 25% at 0.02 px, and a still region shows no peak.
#include "analysis/analyze_video.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace vmm::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A smooth random texture: a sum of plane waves of up to 0.12 cycles per pixel.
class Texture {
 public:
  explicit Texture(uint32_t seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> frequency(-0.12, 0.12), phase(0, 2 * kPi);
    for (int i = 0; i < 24; ++i) {
      waves_.push_back({frequency(random), frequency(random), phase(random)});
    }
  }
  double At(double x, double y) const {
    double value = 0;
    for (const Wave& w : waves_) value += std::sin(2 * kPi * (w.u * x + w.v * y) + w.phase);
    return 128 + 90 * value / std::sqrt(static_cast<double>(waves_.size()) * 0.5) / 2.5;
  }

 private:
  struct Wave {
    double u, v, phase;
  };
  std::vector<Wave> waves_;
};

// A rectangle of the frame showing `texture` displaced by (amplitude_x, amplitude_y) x
// sin(2 pi f t).
struct Mover {
  Region region;
  Texture texture;
  double frequency_hz, amplitude_x, amplitude_y;
};

// Frames of a `width` x `height` video at `fs`: a still background texture with the movers on
// it, Poisson-like photon noise (variance = intensity / 8), rounded to 8 bits.
std::vector<LumaImage> MakeVideo(int width, int height, int frames, double fs,
                                 const std::vector<Mover>& movers) {
  const Texture background(99);
  std::mt19937 random(5);
  std::normal_distribution<double> unit(0, 1);
  std::vector<LumaImage> video;
  for (int t = 0; t < frames; ++t) {
    LumaImage frame;
    frame.width = width;
    frame.height = height;
    frame.pixels.resize(static_cast<size_t>(width) * height);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        double value = background.At(x, y);
        for (const Mover& m : movers) {
          const Region& r = m.region;
          // The mover's texture fills its rectangle plus a margin, so its edges move too.
          if (x >= r.x - 3 && x < r.x + r.width + 3 && y >= r.y - 3 && y < r.y + r.height + 3) {
            const double s = std::sin(2 * kPi * m.frequency_hz * t / fs);
            value = m.texture.At(x - m.amplitude_x * s, y - m.amplitude_y * s);
          }
        }
        value += std::sqrt(std::max(value, 1.0) / 8) * unit(random);
        frame.pixels[static_cast<size_t>(y) * width + x] =
            static_cast<float>(std::clamp(std::round(value), 0.0, 255.0));
      }
    }
    video.push_back(std::move(frame));
  }
  return video;
}

const RegionAnalysis& Named(const VideoAnalysis& analysis, const std::string& name) {
  for (const RegionAnalysis& region : analysis.regions) {
    if (region.region.name == name) return region;
  }
  ADD_FAILURE() << "no region " << name;
  return analysis.regions.front();
}

TEST(AnalyzeVideoTest, TwoRegionsMovingDifferentlyAndOneStill) {
  constexpr double kFs = 30;
  const std::vector<Mover> movers = {
      {{"sway", 16, 16, 48, 48}, Texture(1), 2.0, 0.1, 0},    // 0.1 px in x at 2 Hz (on a bin)
      {{"bounce", 96, 16, 48, 48}, Texture(2), 4.73, 0, 0.5},  // 0.5 px in y between bins
      {{"tremor", 16, 80, 48, 48}, Texture(3), 7.3, 0.02, 0},  // 0.02 px at 7.3 Hz
  };
  const std::vector<LumaImage> video = MakeVideo(160, 144, 300, kFs, movers);
  AnalyzeOptions options;
  for (const Mover& m : movers) options.regions.push_back(m.region);
  options.regions.push_back({"still", 96, 88, 40, 40});
  absl::StatusOr<VideoAnalysis> analysis = AnalyzeFrames(video, options, kFs);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  EXPECT_EQ(analysis->frames, 300);
  const double bin = kFs / 300;
  for (const Mover& m : movers) {
    SCOPED_TRACE(m.region.name);
    const RegionAnalysis& region = Named(*analysis, m.region.name);
    ASSERT_FALSE(region.peaks.empty());
    const Peak& peak = region.peaks.front();
    EXPECT_LE(std::abs(peak.frequency_hz - m.frequency_hz), bin);
    const double amplitude = std::hypot(m.amplitude_x, m.amplitude_y);
    const double tolerance = amplitude >= 0.1 ? 0.10 : 0.25;
    std::printf("%s: %.4g px at %.4g Hz measured %.4g px at %.4g Hz\n", m.region.name.c_str(),
                amplitude, m.frequency_hz, peak.amplitude, peak.frequency_hz);
    EXPECT_NEAR(peak.amplitude, amplitude, tolerance * amplitude);
    // The motion is along one axis: the other axis's spectrum holds little at the peak.
    EXPECT_NEAR(LobeAmplitude(m.amplitude_x > 0 ? region.x : region.y, peak.bin), amplitude,
                tolerance * amplitude);
    EXPECT_LT(LobeAmplitude(m.amplitude_x > 0 ? region.y : region.x, peak.bin), 0.2 * amplitude);
  }
  EXPECT_TRUE(Named(*analysis, "still").peaks.empty());
  // The whole frame sees the strongest motion, at its frequency.
  ASSERT_FALSE(analysis->whole_frame_peaks.empty());
  EXPECT_LE(std::abs(analysis->whole_frame_peaks.front().frequency_hz - 4.73), bin);
}

TEST(AnalyzeVideoTest, MotionOfSeveralPixelsIsFollowed) {
  const std::vector<Mover> movers = {{{"wide", 40, 40, 48, 48}, Texture(4), 1.5, 3.0, 2.0}};
  const std::vector<LumaImage> video = MakeVideo(128, 128, 120, 30, movers);
  AnalyzeOptions options;
  options.regions.push_back(movers[0].region);
  absl::StatusOr<VideoAnalysis> analysis = AnalyzeFrames(video, options, 30);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  const Track& track = analysis->regions[0].track;
  double worst = 0;
  for (size_t t = 0; t < track.dx.size(); ++t) {
    const double s = std::sin(2 * kPi * 1.5 * t / 30);
    worst = std::max({worst, std::abs(track.dx[t] - 3.0 * s), std::abs(track.dy[t] - 2.0 * s)});
  }
  EXPECT_LT(worst, 0.05) << "pixels off the true displacement";
}

// Content that moves by more than a quarter of the region's side is not followed into nonsense:
// those frames are counted as lost and hold the last good value.
TEST(AnalyzeVideoTest, MotionBeyondTheRegionsReachIsCountedAsLost) {
  const std::vector<Mover> movers = {{{"small", 40, 40, 16, 16}, Texture(6), 1.0, 8.0, 0}};
  const std::vector<LumaImage> video = MakeVideo(128, 128, 60, 30, movers);
  AnalyzeOptions options;
  options.regions.push_back(movers[0].region);
  absl::StatusOr<VideoAnalysis> analysis = AnalyzeFrames(video, options, 30);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  const Track& track = analysis->regions[0].track;
  EXPECT_GT(track.lost_frames, 0);
  // Frames well within reach are measured as before; none reads more than the reach.
  const int reach = MaxDisplacement(movers[0].region);
  int measured = 0;
  for (size_t t = 0; t < track.dx.size(); ++t) {
    const double truth = 8.0 * std::sin(2 * kPi * 1.0 * t / 30);
    EXPECT_LE(std::hypot(track.dx[t], track.dy[t]), reach + 1e-9) << t;
    if (std::abs(truth) < 0.5 * reach && t < 4) {  // before the first loss
      EXPECT_NEAR(track.dx[t], truth, 0.1) << t;
      ++measured;
    }
  }
  EXPECT_GT(measured, 0);
}

TEST(AnalyzeVideoTest, RegionsOutsideTheFrameOrFlatAreSaidToBe) {
  const std::vector<LumaImage> video = MakeVideo(64, 48, 20, 30, {});
  AnalyzeOptions options;
  options.regions.push_back({"edge", 40, 10, 30, 10});
  EXPECT_EQ(AnalyzeFrames(video, options, 30).status().message(),
            "region edge (40,10,30,10) lies outside the 64x48 frame");
  options.regions = {{"dot", 10, 10, 2, 2}};
  EXPECT_EQ(AnalyzeFrames(video, options, 30).status().message(),
            "region dot (10,10,2,2) is smaller than 4x4 pixels");
  options.regions = {{"a", 0, 0, 8, 8}, {"a", 8, 8, 8, 8}};
  EXPECT_EQ(AnalyzeFrames(video, options, 30).status().message(),
            "two regions are named a; give each its own name");
  // A flat grey region cannot be measured: it is marked, not given a made-up motion.
  std::vector<LumaImage> flat = video;
  for (LumaImage& frame : flat) std::fill(frame.pixels.begin(), frame.pixels.end(), 100.0f);
  options.regions = {{"grey", 8, 8, 16, 16}};
  absl::StatusOr<VideoAnalysis> analysis = AnalyzeFrames(flat, options, 30);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  EXPECT_FALSE(analysis->regions[0].track.textured);
  EXPECT_TRUE(analysis->regions[0].peaks.empty());
}

}  // namespace
}  // namespace vmm::analysis
