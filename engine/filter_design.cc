#include "engine/filter_design.h"

#include <algorithm>
#include <cmath>

namespace vmm::engine {

namespace {

constexpr double kPi = 3.14159265358979323846;

double Sinc(double x) { return x == 0 ? 1.0 : std::sin(kPi * x) / (kPi * x); }

std::complex<double> UnitDelay(double frequency_hz, double sample_rate_hz) {
  return std::polar(1.0, -2 * kPi * frequency_hz / sample_rate_hz);
}

double BandCentre(double low_hz, double high_hz) { return std::sqrt(low_hz * high_hz); }

}  // namespace

std::vector<double> DesignFirBandPass(int taps, double low_hz, double high_hz,
                                      double sample_rate_hz) {
  if (taps % 2 == 0) ++taps;
  const double centre = (taps - 1) / 2.0;
  const double low = 2 * low_hz / sample_rate_hz;    // as a fraction of Nyquist
  const double high = 2 * high_hz / sample_rate_hz;
  std::vector<double> h(taps), window(taps);
  double tap_sum = 0, window_sum = 0;
  for (int n = 0; n < taps; ++n) {
    const double t = n - centre;
    const double ideal = high * Sinc(high * t) - low * Sinc(low * t);
    window[n] = 0.54 - 0.46 * std::cos(2 * kPi * n / (taps - 1));
    h[n] = ideal * window[n];
    tap_sum += h[n];
    window_sum += window[n];
  }
  // Truncation leaves a little gain at 0 Hz; remove it so a still scene is never magnified.
  for (int n = 0; n < taps; ++n) h[n] -= tap_sum / window_sum * window[n];
  const double gain = std::abs(FirResponse(h, (low_hz + high_hz) / 2, sample_rate_hz));
  if (gain > 0) {
    for (double& value : h) value /= gain;
  }
  return h;
}

std::vector<double> DesignAccelerationFilter(double low_hz, double high_hz, double sample_rate_hz,
                                             int max_taps) {
  const double target_hz = (low_hz + high_hz) / 2;
  const double sigma = sample_rate_hz / (4 * std::sqrt(2.0) * target_hz);
  int half = static_cast<int>(std::ceil(4 * sigma));
  half = std::max(1, std::min(half, (max_taps - 1) / 2));
  const int taps = 2 * half + 1;
  std::vector<double> h(taps), gaussian(taps);
  double tap_sum = 0, gaussian_sum = 0;
  for (int n = 0; n < taps; ++n) {
    const double t = (n - half) / sigma;
    gaussian[n] = std::exp(-t * t / 2);
    h[n] = (1 - t * t) * gaussian[n];  // -d2/dt2 of the Gaussian, up to a positive factor
    tap_sum += h[n];
    gaussian_sum += gaussian[n];
  }
  // Truncation leaves a little gain at 0 Hz; remove it so a still scene is never magnified.
  // The kernel stays symmetric, so a constant-velocity ramp still gives zero.
  for (int n = 0; n < taps; ++n) h[n] -= tap_sum / gaussian_sum * gaussian[n];
  const double gain = std::abs(FirResponse(h, target_hz, sample_rate_hz));
  if (gain > 0) {
    for (double& value : h) value /= gain;
  }
  return h;
}

std::vector<Biquad> DesignButterworthBandPass(int order, double low_hz, double high_hz,
                                              double sample_rate_hz) {
  // Pre-warp the edges for the bilinear transform s = 2 fs (z - 1) / (z + 1).
  const double k = 2 * sample_rate_hz;
  const double w_low = k * std::tan(kPi * low_hz / sample_rate_hz);
  const double w_high = k * std::tan(kPi * high_hz / sample_rate_hz);
  const double bandwidth = w_high - w_low;
  const double w0_squared = w_low * w_high;

  std::vector<Biquad> sections;
  auto to_z = [k](std::complex<double> s) { return (k + s) / (k - s); };
  // Each section has a zero at z = 1 and one at z = -1 (a band-pass zero at s = 0 and one at
  // infinity) and two poles: a conjugate pair, or two real poles.
  auto add_section = [&](std::complex<double> z1, std::complex<double> z2) {
    Biquad section;
    section.b0 = 1;
    section.b2 = -1;
    section.a1 = -(z1 + z2).real();
    section.a2 = (z1 * z2).real();
    sections.push_back(section);
  };
  // Prototype low-pass poles on the left unit half circle; one of each conjugate pair (and the
  // real pole of odd orders). Each maps to two band-pass poles, roots of s^2 - p B s + w0^2.
  for (int i = 0; i < order; ++i) {
    const std::complex<double> p = std::polar(1.0, kPi * (2.0 * i + order + 1) / (2.0 * order));
    if (p.imag() < -1e-12) continue;
    const std::complex<double> half = p * bandwidth / 2.0;
    const std::complex<double> root = std::sqrt(half * half - w0_squared);
    const std::complex<double> s1 = half + root;
    const std::complex<double> s2 = half - root;
    if (std::abs(p.imag()) <= 1e-12) {
      add_section(to_z(s1), to_z(s2));  // a conjugate pair or two real poles
    } else {
      add_section(to_z(s1), std::conj(to_z(s1)));
      add_section(to_z(s2), std::conj(to_z(s2)));
    }
  }
  const double gain =
      std::abs(SectionsResponse(sections, BandCentre(low_hz, high_hz), sample_rate_hz));
  const double per_section = std::pow(gain, 1.0 / sections.size());
  for (auto& section : sections) {
    section.b0 /= per_section;
    section.b1 /= per_section;
    section.b2 /= per_section;
  }
  return sections;
}

double FirstOrderLowPassFactor(double cutoff_hz, double sample_rate_hz) {
  return 1 - std::exp(-2 * kPi * cutoff_hz / sample_rate_hz);
}

std::complex<double> FirResponse(const std::vector<double>& taps, double frequency_hz,
                                 double sample_rate_hz) {
  const std::complex<double> delay = UnitDelay(frequency_hz, sample_rate_hz);
  std::complex<double> power = 1, sum = 0;
  for (double tap : taps) {
    sum += tap * power;
    power *= delay;
  }
  return sum;
}

std::complex<double> SectionsResponse(const std::vector<Biquad>& sections, double frequency_hz,
                                      double sample_rate_hz) {
  const std::complex<double> d = UnitDelay(frequency_hz, sample_rate_hz);
  std::complex<double> response = 1;
  for (const auto& s : sections) {
    response *= (s.b0 + s.b1 * d + s.b2 * d * d) / (1.0 + s.a1 * d + s.a2 * d * d);
  }
  return response;
}

}  // namespace vmm::engine
