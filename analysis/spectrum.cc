#include "analysis/spectrum.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace vmm::analysis {

absl::StatusOr<Spectrum> AmplitudeSpectrum(const std::vector<double>& series,
                                           double sample_rate_hz) {
  const int64_t n = static_cast<int64_t>(series.size());
  if (n < kMinSpectrumSamples) {
    return absl::InvalidArgumentError(absl::StrCat("a spectrum needs at least ",
                                                   kMinSpectrumSamples, " frames, got ", n));
  }
  if (!(sample_rate_hz > 0) || !std::isfinite(sample_rate_hz)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the sample rate must be above 0 Hz, got ", sample_rate_hz));
  }
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::tensor(series, torch::kFloat64);
  // Least-squares line through the samples, removed with the mean, so drift leaks no power.
  const torch::Tensor t = torch::arange(n, torch::kFloat64) - (n - 1) / 2.0;
  const double slope = (t * x).sum().item<double>() / (t * t).sum().item<double>();
  x = x - x.mean() - slope * t;
  const torch::Tensor window = torch::hann_window(n, /*periodic=*/false, torch::kFloat64);
  const torch::Tensor bins = torch::fft::rfft(x * window);
  // A sinusoid of amplitude A gives |X| = A * sum(w) / 2 at its bin.
  const torch::Tensor amplitude = bins.abs() * (2.0 / window.sum().item<double>());
  Spectrum spectrum;
  spectrum.bin_hz = sample_rate_hz / static_cast<double>(n);
  const torch::Tensor contiguous = amplitude.contiguous();
  spectrum.amplitude.assign(contiguous.data_ptr<double>(),
                            contiguous.data_ptr<double>() + contiguous.numel());
  spectrum.amplitude[0] = 0;  // the mean was removed
  const double window_sum = window.sum().item<double>();
  spectrum.lobe_gain =
      window_sum * window_sum / (static_cast<double>(n) * (window * window).sum().item<double>());
  return spectrum;
}

Spectrum Combine(const Spectrum& x, const Spectrum& y) {
  Spectrum both;
  both.bin_hz = x.bin_hz;
  both.lobe_gain = x.lobe_gain;
  both.amplitude.resize(std::min(x.amplitude.size(), y.amplitude.size()));
  for (size_t k = 0; k < both.amplitude.size(); ++k) {
    both.amplitude[k] = std::hypot(x.amplitude[k], y.amplitude[k]);
  }
  return both;
}

double NoiseFloor(const Spectrum& spectrum) {
  if (spectrum.amplitude.size() < 2) return 0;
  std::vector<double> values(spectrum.amplitude.begin() + 1, spectrum.amplitude.end());
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

std::vector<Peak> FindPeaks(const Spectrum& spectrum, int max_peaks) {
  const double threshold = kPeakOverNoise * NoiseFloor(spectrum);
  const std::vector<double>& a = spectrum.amplitude;
  const int size = static_cast<int>(a.size());
  std::vector<Peak> peaks;
  // Bin 1 holds what detrending leaves of drift, and the last bin (fs/2) is not a frequency a
  // band can be put around: peaks are looked for between them.
  for (int k = 2; k < size - 1; ++k) {
    if (!(a[k] > threshold)) continue;
    bool highest = true;
    for (int j = std::max(1, k - 2); j <= std::min(size - 1, k + 2) && highest; ++j) {
      highest = j == k || a[j] < a[k] || (a[j] == a[k] && j > k);
    }
    if (highest) peaks.push_back({k, k * spectrum.bin_hz, LobeAmplitude(spectrum, k)});
  }
  std::sort(peaks.begin(), peaks.end(),
            [](const Peak& p, const Peak& q) { return p.amplitude > q.amplitude; });
  if (static_cast<int>(peaks.size()) > max_peaks) peaks.resize(std::max(0, max_peaks));
  return peaks;
}

double LobeAmplitude(const Spectrum& spectrum, int bin) {
  const int size = static_cast<int>(spectrum.amplitude.size());
  double power = 0;
  for (int j = std::max(1, bin - 2); j <= std::min(size - 1, bin + 2); ++j) {
    power += spectrum.amplitude[j] * spectrum.amplitude[j];
  }
  return std::sqrt(spectrum.lobe_gain * power);
}

Band SuggestBand(const Peak& peak, double bin_hz, double sample_rate_hz) {
  Band band;
  band.low_hz = std::max(bin_hz / 2, peak.frequency_hz / 1.25);
  band.high_hz = std::min(0.95 * sample_rate_hz / 2, peak.frequency_hz * 1.25);
  if (band.high_hz <= band.low_hz) {
    band.high_hz = std::min(0.95 * sample_rate_hz / 2, band.low_hz * 1.5);
  }
  return band;
}

double SuggestAlpha(double amplitude_px) {
  if (!(amplitude_px > 0)) return 200;
  return std::clamp(std::round(2.0 / amplitude_px), 2.0, 200.0);
}

}  // namespace vmm::analysis
