// The classic methods on generated videos with known motion: a smooth pattern swaying
// sinusoidally by a sub-pixel amplitude. Magnified by alpha, the output sways alpha times as far
// (within 15%), in static, dynamic and temporal mode, for the phase-based, Riesz and linear
// methods; with the acceleration filter a sway riding on a steady drift is magnified and the
// drift is not; the linear method's colour amplification magnifies a brightness pulse by alpha
// where it is and not far from it; a still video stays still; bad parameters and the learned
// method are refused.
#include "methods/classic_magnifier.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/magnify_params.h"

namespace vmm::methods {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kHeight = 128, kWidth = 144;
// px: six periods across the frame (so it wraps exactly), inside the fourth pyramid level
constexpr double kPeriod = 24;
constexpr double kFs = 30, kSwayHz = 2;

// uint8 frames [N, H, W, 3] of 128 + 100 sin(2 pi (x - shift_n) / period), the same in every row
// and channel.
torch::Tensor PatternFrames(const std::vector<double>& shifts) {
  std::vector<torch::Tensor> frames;
  const torch::Tensor x = torch::arange(kWidth, torch::kDouble);
  for (double shift : shifts) {
    const torch::Tensor row = 128 + 100 * torch::sin(2 * kPi * (x - shift) / kPeriod);
    frames.push_back(row.round().to(torch::kUInt8).view({1, 1, kWidth, 1}).expand(
        {1, kHeight, kWidth, 3}));
  }
  return torch::cat(frames).contiguous();
}

// Where the pattern of each frame is, in px, from the phase of its `kPeriod` component.
std::vector<double> Positions(const torch::Tensor& frames) {
  const torch::Tensor x = torch::arange(kWidth, torch::kDouble);
  std::vector<double> positions;
  for (int64_t n = 0; n < frames.size(0); ++n) {
    const torch::Tensor row = frames[n].to(torch::kDouble).mean(std::vector<int64_t>{0, 2});
    const double re = (row * torch::cos(2 * kPi * x / kPeriod)).sum().item<double>();
    const double im = (row * torch::sin(2 * kPi * x / kPeriod)).sum().item<double>();
    positions.push_back(std::remainder(-std::atan2(-im, re) - kPi / 2, 2 * kPi) * kPeriod /
                        (2 * kPi));
  }
  return positions;
}

std::vector<double> Sway(int frames, double amplitude) {
  std::vector<double> shifts;
  for (int n = 0; n < frames; ++n) shifts.push_back(amplitude * std::sin(2 * kPi * kSwayHz * n / kFs));
  return shifts;
}

// Amplitude of the `kSwayHz` component of `values` over frames [first, end).
double SwayAmplitude(const std::vector<double>& values, size_t first, size_t end) {
  double c = 0, s = 0;
  for (size_t n = first; n < end; ++n) {
    c += values[n] * std::cos(2 * kPi * kSwayHz * n / kFs);
    s += values[n] * std::sin(2 * kPi * kSwayHz * n / kFs);
  }
  return 2 * std::hypot(c, s) / static_cast<double>(end - first);
}

// Magnifies `frames` in batches of 8 and flushes.
torch::Tensor Magnify(const common::MagnifyParams& params, const torch::Tensor& frames) {
  absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> magnifier = MakeClassicMagnifier(params);
  EXPECT_TRUE(magnifier.ok()) << magnifier.status();
  std::vector<torch::Tensor> out;
  for (int64_t first = 0; first < frames.size(0); first += 8) {
    absl::StatusOr<torch::Tensor> part =
        (*magnifier)->Push(frames.narrow(0, first, std::min<int64_t>(8, frames.size(0) - first)));
    EXPECT_TRUE(part.ok()) << part.status();
    out.push_back(*part);
  }
  absl::StatusOr<torch::Tensor> rest = (*magnifier)->Flush();
  EXPECT_TRUE(rest.ok()) << rest.status();
  out.push_back(*rest);
  EXPECT_EQ((*magnifier)->pending(), 0);
  return torch::cat(out);
}

class ClassicMethodTest : public ::testing::TestWithParam<common::Method> {};

TEST_P(ClassicMethodTest, StaticModeMagnifiesASubPixelSwayByAlpha) {
  const double amplitude = 0.2, alpha = 5;
  const std::vector<double> shifts = Sway(45, amplitude);
  common::MagnifyParams params;
  params.method = GetParam();
  params.alpha = alpha;
  const torch::Tensor out = Magnify(params, PatternFrames(shifts));
  ASSERT_EQ(out.size(0), 45);
  ASSERT_EQ(out.size(1), kHeight);
  ASSERT_EQ(out.size(2), kWidth);
  const std::vector<double> in_positions = Positions(PatternFrames(shifts));
  const std::vector<double> out_positions = Positions(out);
  for (size_t n = 0; n < shifts.size(); ++n) {
    const double expected = alpha * (in_positions[n] - in_positions[0]);
    EXPECT_NEAR(out_positions[n] - out_positions[0], expected, 0.15 * alpha * amplitude + 0.01)
        << "frame " << n;
  }
  EXPECT_NEAR(SwayAmplitude(out_positions, 0, 45), alpha * amplitude, 0.15 * alpha * amplitude);
}

TEST_P(ClassicMethodTest, TemporalModeMagnifiesTheSwayInItsBand) {
  const double amplitude = 0.2, alpha = 5;
  const std::vector<double> shifts = Sway(90, amplitude);
  common::MagnifyParams params;
  params.method = GetParam();
  params.alpha = alpha;
  params.mode = common::Mode::kTemporal;
  params.filter = common::FilterKind::kFir;
  params.low_hz = 1.5;
  params.high_hz = 2.7;
  params.sample_rate_hz = kFs;
  const torch::Tensor out = Magnify(params, PatternFrames(shifts));
  ASSERT_EQ(out.size(0), 90);
  // The zero-phase FIR settles within half its taps of each end: 15 frames at 31 taps.
  EXPECT_NEAR(SwayAmplitude(Positions(out), 15, 75), alpha * amplitude,
              0.15 * alpha * amplitude);
}

TEST_P(ClassicMethodTest, DynamicModeAndAStillVideoChangeNothingThatDidNotMove) {
  common::MagnifyParams params;
  params.method = GetParam();
  params.alpha = 20;
  params.mode = common::Mode::kDynamic;
  const torch::Tensor still = PatternFrames(std::vector<double>(10, 0.3));
  const torch::Tensor out = Magnify(params, still);
  ASSERT_EQ(out.sizes(), still.sizes());
  EXPECT_LE((out.to(torch::kInt) - still.to(torch::kInt)).abs().max().item<int>(), 1);
}

INSTANTIATE_TEST_SUITE_P(Methods, ClassicMethodTest,
                         ::testing::Values(common::Method::kPhase, common::Method::kRiesz,
                                           common::Method::kLinear),
                         [](const auto& info) { return common::MethodName(info.param); });


// The methods for motion beyond a pixel (not linear, whose first-order approximation fails).
class PhaseMethodTest : public ::testing::TestWithParam<common::Method> {};

TEST_P(PhaseMethodTest, AccelerationFilterMagnifiesTheSwayButNotASteadyDrift) {
  const double amplitude = 0.1, alpha = 6, drift = 0.08;  // px per frame: 7 px in all
  std::vector<double> shifts = Sway(90, amplitude);
  for (size_t n = 0; n < shifts.size(); ++n) shifts[n] += drift * static_cast<double>(n);
  common::MagnifyParams params;
  params.method = GetParam();
  params.alpha = alpha;
  params.mode = common::Mode::kTemporal;
  params.filter = common::FilterKind::kAcceleration;
  params.low_hz = 1.5;
  params.high_hz = 2.5;
  params.sample_rate_hz = kFs;
  const torch::Tensor in = PatternFrames(shifts);
  const torch::Tensor out = Magnify(params, in);
  ASSERT_EQ(out.size(0), 90);
  const std::vector<double> in_positions = Positions(in), out_positions = Positions(out);
  std::vector<double> added;  // what the magnification moved each frame by
  for (size_t n = 0; n < in_positions.size(); ++n) {
    added.push_back(out_positions[n] - in_positions[n]);
  }
  // 23 taps: frames 11 from each end see the edges repeated (a kink in the drift).
  EXPECT_NEAR(SwayAmplitude(added, 15, 75), (alpha - 1) * amplitude,
              0.15 * (alpha - 1) * amplitude);
  double mean = 0;
  for (size_t n = 15; n < 75; ++n) mean += added[n] / 60;
  EXPECT_LT(std::abs(mean), 0.1) << "the drift of 4.8 px over these frames was magnified";
}

INSTANTIATE_TEST_SUITE_P(Methods, PhaseMethodTest,
                         ::testing::Values(common::Method::kPhase, common::Method::kRiesz),
                         [](const auto& info) { return common::MethodName(info.param); });

// uint8 frames [N, 128, 256, 3]: the left half at 80, the right half at 160 + `pulse` x
// sin(2 pi f n / fs), rounded; every channel alike.
torch::Tensor PulseFrames(int frames, double pulse, double frequency_hz) {
  std::vector<torch::Tensor> out;
  for (int n = 0; n < frames; ++n) {
    torch::Tensor frame = torch::full({1, 128, 256, 3}, 80.0, torch::kDouble);
    frame.narrow(2, 128, 128).fill_(160 + pulse * std::sin(2 * kPi * frequency_hz * n / kFs));
    out.push_back(frame.round().to(torch::kUInt8));
  }
  return torch::cat(out);
}

// Amplitude of the `frequency_hz` component of the mean of columns [x0, x0 + 40), rows
// 40-88, over frames [first, end).
double PulseAmplitude(const torch::Tensor& frames, int64_t x0, double frequency_hz, int first,
                      int end) {
  double c = 0, s = 0;
  for (int n = first; n < end; ++n) {
    const double value =
        frames[n].narrow(0, 40, 48).narrow(1, x0, 40).to(torch::kDouble).mean().item<double>();
    c += value * std::cos(2 * kPi * frequency_hz * n / kFs);
    s += value * std::sin(2 * kPi * frequency_hz * n / kFs);
  }
  return 2 * std::hypot(c, s) / (end - first);
}

TEST(ClassicMagnifierTest, ColourAmplificationMagnifiesABrightnessPulseWhereItIs) {
  // Face.mp4's published setting scaled down: alpha 10 on a pulse of 2 levels at 1 Hz.
  const double pulse = 2, alpha = 10, frequency = 1;
  common::MagnifyParams params;
  params.method = common::Method::kLinear;
  params.color = true;
  params.alpha = alpha;
  params.mode = common::Mode::kTemporal;
  params.filter = common::FilterKind::kFir;
  params.taps = 61;
  params.low_hz = 0.8;
  params.high_hz = 1.2;
  params.sample_rate_hz = kFs;
  const torch::Tensor in = PulseFrames(120, pulse, frequency);
  const torch::Tensor out = Magnify(params, in);
  ASSERT_EQ(out.sizes(), in.sizes());
  EXPECT_NEAR(PulseAmplitude(in, 200, frequency, 30, 90), pulse, 0.1);
  EXPECT_NEAR(PulseAmplitude(out, 200, frequency, 30, 90), alpha * pulse, 0.15 * alpha * pulse);
  // Far from the pulsing half, the colour stays (a coarse level blurs the boundary only).
  EXPECT_LT(PulseAmplitude(out, 16, frequency, 30, 90), 0.1 * alpha * pulse);
  // Refused with any other method.
  params.method = common::Method::kPhase;
  EXPECT_EQ(MakeClassicMagnifier(params).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClassicMagnifierTest, RefusesTheLearnedMethodAndBadParameters) {
  common::MagnifyParams learned;
  EXPECT_EQ(MakeClassicMagnifier(learned).status().code(), absl::StatusCode::kInvalidArgument);
  common::MagnifyParams bad;
  bad.method = common::Method::kPhase;
  bad.alpha = -1;
  EXPECT_EQ(MakeClassicMagnifier(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClassicMagnifierTest, OddSizesComeBackAtTheirSize) {
  common::MagnifyParams params;
  params.method = common::Method::kPhase;
  absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> magnifier = MakeClassicMagnifier(params);
  ASSERT_TRUE(magnifier.ok());
  const torch::Tensor frames = torch::full({3, 37, 53, 3}, 90, torch::kUInt8);
  absl::StatusOr<torch::Tensor> out = (*magnifier)->Push(frames);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->sizes(), frames.sizes());
  EXPECT_EQ((*magnifier)->Push(torch::zeros({1, 38, 53, 3}, torch::kUInt8)).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A first frame too small to magnify is refused, and so is the next one, without a crash.
  absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> tiny = MakeClassicMagnifier(params);
  ASSERT_TRUE(tiny.ok());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ((*tiny)->Push(torch::zeros({1, 1, 1, 3}, torch::kUInt8)).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace vmm::methods
