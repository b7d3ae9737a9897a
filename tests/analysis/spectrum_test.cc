// AmplitudeSpectrum reads a sinusoid's amplitude wherever its frequency falls between bins;
// FindPeaks lists peaks strongest first and nothing in white noise; the suggested band and alpha
// stay in their ranges.
#include "analysis/spectrum.h"

#include "common/magnify_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace vmm::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> Sine(int n, double fs, double frequency, double amplitude, double phase = 0.3) {
  std::vector<double> series(n);
  for (int i = 0; i < n; ++i) {
    series[i] = amplitude * std::sin(2 * kPi * frequency * i / fs + phase);
  }
  return series;
}

TEST(SpectrumTest, ASinusoidsAmplitudeAndFrequencyOnAndBetweenBins) {
  for (const double frequency : {2.0, 4.73, 7.05}) {
    SCOPED_TRACE(frequency);
    absl::StatusOr<Spectrum> spectrum = AmplitudeSpectrum(Sine(300, 30, frequency, 0.5), 30);
    ASSERT_TRUE(spectrum.ok()) << spectrum.status();
    EXPECT_DOUBLE_EQ(spectrum->bin_hz, 0.1);
    const std::vector<Peak> peaks = FindPeaks(*spectrum, 3);
    ASSERT_FALSE(peaks.empty());
    EXPECT_NEAR(peaks[0].frequency_hz, frequency, 0.05 + 1e-9);  // the nearest bin
    EXPECT_NEAR(peaks[0].amplitude, 0.5, 0.01);
  }
}

TEST(SpectrumTest, TwoSinusoidsStrongestFirstAndDriftIgnored) {
  std::vector<double> series = Sine(400, 50, 3.0, 0.2);
  const std::vector<double> weak = Sine(400, 50, 11.0, 0.05, 1.0);
  for (size_t i = 0; i < series.size(); ++i) series[i] += weak[i] + 0.01 * i;  // and a drift
  absl::StatusOr<Spectrum> spectrum = AmplitudeSpectrum(series, 50);
  ASSERT_TRUE(spectrum.ok());
  const std::vector<Peak> peaks = FindPeaks(*spectrum, 5);
  ASSERT_GE(peaks.size(), 2u);
  EXPECT_NEAR(peaks[0].frequency_hz, 3.0, 0.125);
  EXPECT_NEAR(peaks[1].frequency_hz, 11.0, 0.125);
  EXPECT_NEAR(peaks[0].amplitude, 0.2, 0.01);
  EXPECT_NEAR(peaks[1].amplitude, 0.05, 0.005);
}

TEST(SpectrumTest, WhiteNoiseHasNoPeak) {
  std::mt19937 random(3);
  std::normal_distribution<double> noise(0, 0.01);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> series(300);
    for (double& value : series) value = noise(random);
    absl::StatusOr<Spectrum> spectrum = AmplitudeSpectrum(series, 30);
    ASSERT_TRUE(spectrum.ok());
    EXPECT_TRUE(FindPeaks(*spectrum, 5).empty()) << "trial " << trial;
  }
}

TEST(SpectrumTest, TooFewSamplesOrNoRateIsRefused) {
  EXPECT_EQ(AmplitudeSpectrum(std::vector<double>(15, 0), 30).status().message(),
            "a spectrum needs at least 16 frames, got 15");
  EXPECT_EQ(AmplitudeSpectrum(std::vector<double>(20, 0), 0).status().message(),
            "the sample rate must be above 0 Hz, got 0");
}

// Whatever the peak, the suggested band and alpha are ones `vmm magnify` accepts.
TEST(SpectrumTest, EverySuggestedBandPassesTheParameterContract) {
  for (const double fs : {10.0, 30.0, 300.0, 1900.0}) {
    const double bin = fs / 300;
    for (int k = 2; k < 150; k += 7) {
      const Band band = SuggestBand({k, k * bin, 0.05}, bin, fs);
      common::MagnifyParams params;
      params.mode = common::Mode::kTemporal;
      params.filter = common::FilterKind::kButterworth;
      params.low_hz = band.low_hz;
      params.high_hz = band.high_hz;
      params.sample_rate_hz = fs;
      params.alpha = SuggestAlpha(0.05);
      EXPECT_TRUE(common::ValidateMagnifyParams(params).ok())
          << "fs " << fs << ", bin " << k << ": " << band.low_hz << "-" << band.high_hz;
    }
  }
}

TEST(SpectrumTest, SuggestedBandsAndAlphas) {
  const Band band = SuggestBand({20, 2.0, 0.1}, 0.1, 30);
  EXPECT_DOUBLE_EQ(band.low_hz, 1.6);
  EXPECT_DOUBLE_EQ(band.high_hz, 2.5);
  const Band top = SuggestBand({140, 14.0, 0.1}, 0.1, 30);  // kept below fs/2
  EXPECT_DOUBLE_EQ(top.high_hz, 0.95 * 15);
  EXPECT_LT(top.low_hz, top.high_hz);
  EXPECT_EQ(SuggestAlpha(0.1), 20);
  EXPECT_EQ(SuggestAlpha(0.001), 200);
  EXPECT_EQ(SuggestAlpha(5), 2);
}

}  // namespace
}  // namespace vmm::analysis
