// Temporal filters measured on synthetic signals: gain in and out of the pass band, phase of
// the zero-phase FIR, memory bound, start-up without transients.
#include "engine/temporal_filter.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/filter_design.h"

namespace vmm::engine {
namespace {

constexpr double kPi = 3.14159265358979323846;

MagnifyParams Params(FilterKind kind, double fl, double fh, double fs) {
  MagnifyParams params;
  params.mode = Mode::kTemporal;
  params.filter = kind;
  params.low_hz = fl;
  params.high_hz = fh;
  params.sample_rate_hz = fs;
  params.order = 2;
  params.taps = 101;
  return params;
}

// Runs a unit sine at `frequency` through the filter (as 1-element tensors, plus an offset that
// a band-pass must remove) and returns the output amplitude once settled, and its samples.
double MeasuredGain(const MagnifyParams& params, double frequency, std::vector<double>* out = nullptr) {
  auto filter = MakeTemporalFilter(params);
  EXPECT_TRUE(filter.ok());
  const int samples = static_cast<int>(params.sample_rate_hz / params.low_hz * 30) + 400;
  std::vector<double> output;
  auto take = [&](const std::optional<torch::Tensor>& y) {
    if (y) output.push_back(y->item<double>());
  };
  for (int n = 0; n < samples; ++n) {
    const double x = 5.0 + std::sin(2 * kPi * frequency * n / params.sample_rate_hz);
    take((*filter)->Step(torch::tensor({x}, torch::kFloat64)));
  }
  while (auto y = (*filter)->Drain()) take(y);
  EXPECT_EQ(static_cast<int>(output.size()), samples);
  double peak = 0;
  for (size_t n = output.size() / 2; n < output.size() - 200; ++n) peak = std::max(peak, std::abs(output[n]));
  if (out) *out = output;
  return peak;
}

TEST(TemporalFilterTest, FirPassesTheBandAndStopsTheRest) {
  const auto params = Params(FilterKind::kFir, 2.0, 4.0, 30.0);
  EXPECT_NEAR(MeasuredGain(params, 3.0), 1.0, 0.05);
  EXPECT_LT(MeasuredGain(params, 0.5), 0.02);
  EXPECT_LT(MeasuredGain(params, 10.0), 0.02);
}

TEST(TemporalFilterTest, FirIsZeroPhase) {
  const auto params = Params(FilterKind::kFir, 2.0, 4.0, 30.0);
  std::vector<double> out;
  MeasuredGain(params, 3.0, &out);
  // The output is aligned with the input: a sine in phase with the input's sine.
  double correlation = 0, energy = 0;
  for (size_t n = out.size() / 2; n < out.size() - 200; ++n) {
    const double x = std::sin(2 * kPi * 3.0 * n / 30.0);
    correlation += x * out[n];
    energy += x * x;
  }
  EXPECT_NEAR(correlation / energy, 1.0, 0.06);
}

TEST(TemporalFilterTest, FirMemoryIsBoundedByTheTaps) {
  auto filter = MakeTemporalFilter(Params(FilterKind::kFir, 2.0, 4.0, 30.0));
  ASSERT_TRUE(filter.ok());
  for (int n = 0; n < 1000; ++n) {
    (*filter)->Step(torch::zeros({4, 8, 8}));
    ASSERT_LE((*filter)->held_tensors(), 101);
  }
  EXPECT_EQ((*filter)->delay(), 50);
}

TEST(TemporalFilterTest, ButterworthPassesTheBandAndStopsTheRest) {
  const auto params = Params(FilterKind::kButterworth, 36.0, 62.0, 300.0);
  EXPECT_NEAR(MeasuredGain(params, std::sqrt(36.0 * 62.0)), 1.0, 0.03);
  EXPECT_LT(MeasuredGain(params, 5.0), 0.03);
  EXPECT_LT(MeasuredGain(params, 140.0), 0.05);
}

TEST(TemporalFilterTest, ButterworthOfEveryOrderHasUnitCentreGainAndHalfPowerEdges) {
  for (int order = 1; order <= 6; ++order) {
    for (auto [fl, fh] : {std::pair{0.4, 3.0}, std::pair{36.0, 62.0}, std::pair{1.0, 12.0}}) {
      auto sections = DesignButterworthBandPass(order, fl, fh, 30.0 * (fh > 10 ? 10 : 1));
      const double fs = 30.0 * (fh > 10 ? 10 : 1);
      ASSERT_EQ(static_cast<int>(sections.size()), order);
      EXPECT_NEAR(std::abs(SectionsResponse(sections, std::sqrt(fl * fh), fs)), 1.0, 1e-6);
      EXPECT_NEAR(std::abs(SectionsResponse(sections, fl, fs)), std::sqrt(0.5), 1e-3);
      EXPECT_NEAR(std::abs(SectionsResponse(sections, fh, fs)), std::sqrt(0.5), 1e-3);
    }
  }
}

TEST(TemporalFilterTest, DifferenceOfIirRemovesDcAndKeepsTheBand) {
  // The baby video's published setting: r_l 0.04, r_h 0.4 at 30 fps.
  const auto params = Params(FilterKind::kDifferenceOfIir, 0.195, 2.44, 30.0);
  EXPECT_NEAR(FirstOrderLowPassFactor(0.195, 30.0), 0.04, 0.001);
  EXPECT_NEAR(FirstOrderLowPassFactor(2.44, 30.0), 0.4, 0.001);
  const double band = MeasuredGain(params, 0.7);
  EXPECT_GT(band, 0.6);
  EXPECT_LT(MeasuredGain(params, 0.01), 0.1 * band);
}

TEST(TemporalFilterTest, StillSignalGivesZeroFromTheFirstSample) {
  for (auto kind : {FilterKind::kFir, FilterKind::kButterworth, FilterKind::kDifferenceOfIir,
                    FilterKind::kAcceleration}) {
    auto filter = MakeTemporalFilter(Params(kind, 2.0, 4.0, 30.0));
    ASSERT_TRUE(filter.ok());
    torch::Tensor still = torch::full({3, 4}, 7.0);
    for (int n = 0; n < 200; ++n) {
      if (auto y = (*filter)->Step(still)) {
        ASSERT_LT(y->abs().max().item<double>(), 1e-4) << FilterKindName(kind) << " sample " << n;
      }
    }
  }
}

TEST(TemporalFilterTest, AccelerationPassesChangesOfVelocityNotSteadyMotion) {
  const auto params = Params(FilterKind::kAcceleration, 1.5, 2.5, 30.0);
  // Gain 1 at (fl + fh) / 2, in phase (the negated second derivative of a sine is the sine).
  std::vector<double> out;
  EXPECT_NEAR(MeasuredGain(params, 2.0, &out), 1.0, 0.02);
  const size_t n = out.size() / 2;
  EXPECT_NEAR(out[n], std::sin(2 * kPi * 2.0 * static_cast<double>(n) / 30.0), 0.03);
  EXPECT_LT(MeasuredGain(params, 0.2), 0.05);
  // Sigma = fs / (4 sqrt(2) f) = 2.65 samples, truncated at 4 sigma: 23 taps, delay 11.
  const std::vector<double> taps = DesignAccelerationFilter(1.5, 2.5, 30.0, 1025);
  EXPECT_EQ(taps.size(), 23u);
  // A constant and a constant-velocity ramp give exactly nothing once the window is full.
  auto filter = MakeTemporalFilter(params);
  ASSERT_TRUE(filter.ok());
  EXPECT_EQ((*filter)->delay(), 11);
  for (int k = 0; k < 80; ++k) {
    auto y = (*filter)->Step(torch::tensor({3.0 + 0.5 * k}, torch::kFloat64));
    if (y && k >= 2 * (*filter)->delay()) {
      EXPECT_NEAR(y->item<double>(), 0.0, 1e-9) << "sample " << k;
    }
  }
  // The truncation is clamped to the longest FIR any front end allows.
  EXPECT_EQ(DesignAccelerationFilter(0.001, 0.002, 30.0, 1025).size(), 1025u);
}

TEST(TemporalFilterTest, ZeroPhaseFiltersGiveEverySampleBackEvenWhenShorterThanTheirTaps) {
  for (auto kind : {FilterKind::kFir, FilterKind::kAcceleration}) {
    auto filter = MakeTemporalFilter(Params(kind, 1.0, 4.0, 30.0));  // 101 and 19 taps
    ASSERT_TRUE(filter.ok());
    int outputs = 0;
    for (int n = 0; n < 5; ++n) outputs += (*filter)->Step(torch::full({2}, 1.0 * n)) ? 1 : 0;
    while ((*filter)->Drain()) ++outputs;
    EXPECT_EQ(outputs, 5) << FilterKindName(kind);
  }
}

TEST(TemporalFilterTest, OnlyFirNeedsFutureSamples) {
  EXPECT_FALSE(IsCausal(FilterKind::kAcceleration));
  EXPECT_FALSE(IsCausal(FilterKind::kFir));
  EXPECT_TRUE(IsCausal(FilterKind::kButterworth));
  EXPECT_TRUE(IsCausal(FilterKind::kDifferenceOfIir));
}

}  // namespace
}  // namespace vmm::engine
