// The linear method's colour amplification on the real video it was published with: face.mp4
// (Wu et al. 2012: alpha 100, 0.83-1 Hz). The forehead's mean colour at the pulse frequency must
// come out 100 times as strong (within 15%), and the strongest change of the output must be the
// pulse, inside the band. Needs ../shared/videos/face.mp4 beside the repository; skipped
// without it (the videos are not part of the project).
#include <cmath>
#include <complex>
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/magnify_params.h"
#include "media/video_reader.h"
#include "methods/classic_magnifier.h"

namespace vmm::methods {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kFs = 30;

// Mean green of the forehead (rows 90-159, columns 160-359 of the 528x592 video) per frame.
std::vector<double> ForeheadGreen(const torch::Tensor& frames) {
  const torch::Tensor patch =
      frames.narrow(1, 90, 70).narrow(2, 160, 200).select(3, 1).to(torch::kDouble);
  const torch::Tensor means = patch.mean(std::vector<int64_t>{1, 2}).contiguous();
  return std::vector<double>(means.data_ptr<double>(), means.data_ptr<double>() + means.numel());
}

// Amplitude of the `frequency` component of `values` over [first, end), mean removed.
double Amplitude(const std::vector<double>& values, double frequency, size_t first, size_t end) {
  double mean = 0;
  for (size_t n = first; n < end; ++n) mean += values[n] / static_cast<double>(end - first);
  std::complex<double> sum = 0;
  for (size_t n = first; n < end; ++n) {
    sum += (values[n] - mean) * std::polar(1.0, -2 * kPi * frequency * static_cast<double>(n) / kFs);
  }
  return 2 * std::abs(sum) / static_cast<double>(end - first);
}

TEST(FacePulseTest, ColourAmplificationMakesThePulseAHundredTimesStronger) {
  const std::filesystem::path video =
      std::filesystem::path(VMM_SHARED_VIDEOS) / "face.mp4";
  if (!std::filesystem::exists(video)) GTEST_SKIP() << video << " is not here";
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader = media::VideoReader::Open(video);
  ASSERT_TRUE(reader.ok()) << reader.status();
  common::MagnifyParams params;
  params.method = common::Method::kLinear;
  params.color = true;
  params.alpha = 100;
  params.mode = common::Mode::kTemporal;
  params.filter = common::FilterKind::kFir;
  params.taps = 151;
  params.low_hz = 0.83;
  params.high_hz = 1;
  params.sample_rate_hz = kFs;
  absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> magnifier = MakeClassicMagnifier(params);
  ASSERT_TRUE(magnifier.ok()) << magnifier.status();
  std::vector<double> in, out;
  auto take = [&out](const absl::StatusOr<torch::Tensor>& frames) {
    ASSERT_TRUE(frames.ok()) << frames.status();
    const std::vector<double> green = ForeheadGreen(*frames);
    out.insert(out.end(), green.begin(), green.end());
  };
  std::vector<torch::Tensor> batch;
  media::Frame frame;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    ASSERT_TRUE(more.ok()) << more.status();
    if (*more) {
      batch.push_back(torch::from_blob(frame.rgb.data(), {frame.height, frame.width, 3},
                                       torch::kUInt8).clone());
    }
    if (batch.size() == 16 || (!*more && !batch.empty())) {
      const torch::Tensor frames = torch::stack(batch);
      batch.clear();
      const std::vector<double> green = ForeheadGreen(frames);
      in.insert(in.end(), green.begin(), green.end());
      take((*magnifier)->Push(frames));
    }
    if (!*more) break;
  }
  take((*magnifier)->Flush());
  ASSERT_EQ(in.size(), 301u);
  ASSERT_EQ(out.size(), in.size());
  // Away from the ends, where the 151-tap filter sees repeated edge frames.
  const size_t first = 75, end = in.size() - 75;
  double peak_hz = 0, peak = 0;
  for (double f = 0.3; f <= 3.0; f += 0.005) {
    const double amplitude = Amplitude(out, f, first, end);
    if (amplitude > peak) {
      peak = amplitude;
      peak_hz = f;
    }
  }
  EXPECT_GE(peak_hz, 0.83);
  EXPECT_LE(peak_hz, 1.0);
  EXPECT_NEAR(peak / Amplitude(in, peak_hz, first, end), 100, 15)
      << "pulse at " << peak_hz << " Hz: " << peak << " levels out";
}

}  // namespace
}  // namespace vmm::methods
