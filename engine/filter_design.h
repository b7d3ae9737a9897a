// Coefficient design for the temporal band-pass filters, in plain double precision: a
// windowed-sinc FIR, a Butterworth band-pass as second-order sections, and the coefficients of
// the difference of two first-order low-passes. No state; safe to call from any thread.
// REQUIRES: 0 < low_hz < high_hz < sample_rate_hz / 2 (see ValidateMagnifyParams).
#pragma once

#include <complex>
#include <vector>

namespace vmm::engine {

// One second-order section: y = b0 x + b1 x[-1] + b2 x[-2] - a1 y[-1] - a2 y[-2].
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

// Hamming-windowed band-pass of `taps` (odd) taps with exactly zero gain at 0 Hz, scaled to
// gain 1 at the band's centre.
std::vector<double> DesignFirBandPass(int taps, double low_hz, double high_hz,
                                      double sample_rate_hz);

// Acceleration filter (Zhang et al. 2017): the negated second derivative of a Gaussian in time
// (a temporal Laplacian of Gaussian) with sigma = fs / (4 sqrt(2) f) samples for the target
// frequency f = (low_hz + high_hz) / 2, truncated at +-4 sigma (odd, at least 3 and at most
// `max_taps` taps). Exactly zero response to a constant and to a constant-velocity ramp, so only
// changes of velocity pass; scaled to gain 1 at f.
std::vector<double> DesignAccelerationFilter(double low_hz, double high_hz, double sample_rate_hz,
                                             int max_taps);

// Butterworth band-pass of order `order` (2 * order poles) by the bilinear transform with
// pre-warped edges, as `order` sections, scaled to gain 1 at the band's centre.
std::vector<Biquad> DesignButterworthBandPass(int order, double low_hz, double high_hz,
                                              double sample_rate_hz);

// Smoothing factor r of a first-order low-pass y += r (x - y) with its corner at `cutoff_hz`:
// r = 1 - exp(-2 pi f / fs). (The baby video's published r_l 0.04 and r_h 0.4 at 30 fps are
// fl = 0.195 Hz and fh = 2.44 Hz.)
double FirstOrderLowPassFactor(double cutoff_hz, double sample_rate_hz);

// Complex frequency response of an FIR or of cascaded sections at `frequency_hz`.
std::complex<double> FirResponse(const std::vector<double>& taps, double frequency_hz,
                                 double sample_rate_hz);
std::complex<double> SectionsResponse(const std::vector<Biquad>& sections, double frequency_hz,
                                      double sample_rate_hz);

}  // namespace vmm::engine
