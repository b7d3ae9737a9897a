// Frequency content of a displacement series: the amplitude spectrum (Hann window, mean and
// linear trend removed, scaled so a sinusoid of amplitude A at a bin's frequency reads A), its
// peaks above the noise floor, and the band and `vmm magnify` command that would magnify a peak.
//
// Thread-safety: pure functions on plain values.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/analysis_limits.h"

namespace vmm::analysis {

// The fewest samples a spectrum is computed from.
inline constexpr int kMinSpectrumSamples = common::kMinFrames;

// Amplitude against frequency: bin k is k * bin_hz, k = 0 .. N/2.
struct Spectrum {
  double bin_hz = 0;
  std::vector<double> amplitude;  // in the series' unit (pixels)
  // (sum w)^2 / (N sum w^2) of the window (2/3 for Hann): a sinusoid's amplitude is
  // sqrt(lobe_gain * sum of amplitude^2 over its lobe), wherever it falls between bins.
  double lobe_gain = 2.0 / 3.0;
};

// A local maximum of a spectrum well above its noise floor.
struct Peak {
  int bin = 0;
  double frequency_hz = 0;  // of the bin (within half a bin of the sinusoid's)
  double amplitude = 0;     // of the sinusoid, from the power of the bins within 2 of `bin`
};

// The spectrum of `series` sampled at `sample_rate_hz`. INVALID_ARGUMENT with fewer than
// kMinSpectrumSamples samples or a rate that is not positive.
absl::StatusOr<Spectrum> AmplitudeSpectrum(const std::vector<double>& series,
                                           double sample_rate_hz);

// Per bin, sqrt(a^2 + b^2): the amplitude of 2-D motion from its x and y spectra (same length).
Spectrum Combine(const Spectrum& x, const Spectrum& y);

// The median amplitude of bins 1 .. N/2: what noise alone reaches in a typical bin.
double NoiseFloor(const Spectrum& spectrum);

// Up to `max_peaks` peaks, strongest first: bins above kPeakOverNoise x NoiseFloor that are the
// largest within two bins either side, from bin 2 (bin 1 holds drift) to the one below fs/2.
inline constexpr double kPeakOverNoise = 5;
std::vector<Peak> FindPeaks(const Spectrum& spectrum, int max_peaks);

// The amplitude of the sinusoid at `bin` of `spectrum` by the lobe rule of Peak::amplitude.
double LobeAmplitude(const Spectrum& spectrum, int bin);

// A pass band around a peak for the temporal filter: [f / 1.25, f * 1.25], kept above half a
// bin and below 0.95 x fs/2.
struct Band {
  double low_hz = 0, high_hz = 0;
};
Band SuggestBand(const Peak& peak, double bin_hz, double sample_rate_hz);

// The alpha that makes a motion of `amplitude_px` about 2 pixels, rounded and kept in 2 .. 200.
double SuggestAlpha(double amplitude_px);

}  // namespace vmm::analysis
