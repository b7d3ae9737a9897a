// The amplitude spectrum of a displacement series, computed as the service's analysis does
// (analysis/spectrum.cc): mean and least-squares line removed, symmetric Hann window, scaled so
// that a sinusoid of amplitude A at a bin's frequency reads A; bin k is k * binHz, k = 0 .. N/2.
// The measurement report carries each region's waveform but not its spectrum, so the console
// computes the spectrum it draws; the peaks it marks are the report's own.
export interface Spectrum {
  binHz: number;
  frequency: number[];  // Hz, per bin
  amplitude: number[];  // in the series' unit (pixels)
}

export function amplitudeSpectrum(series: number[], sampleRateHz: number): Spectrum {
  const n = series.length;
  const mean = series.reduce((a, b) => a + b, 0) / Math.max(1, n);
  let tx = 0, tt = 0;
  for (let i = 0; i < n; ++i) {
    const t = i - (n - 1) / 2;
    tx += t * series[i];
    tt += t * t;
  }
  const slope = tt > 0 ? tx / tt : 0;
  const windowed = new Float64Array(n);
  let windowSum = 0;
  for (let i = 0; i < n; ++i) {
    const w = n > 1 ? 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)) : 1;
    windowSum += w;
    windowed[i] = (series[i] - mean - slope * (i - (n - 1) / 2)) * w;
  }
  const bins = Math.floor(n / 2) + 1;
  const frequency: number[] = [];
  const amplitude: number[] = [];
  const binHz = sampleRateHz / Math.max(1, n);
  // A plain DFT: a clip measured in the browser has thousands of frames at most.
  for (let k = 0; k < bins; ++k) {
    let re = 0, im = 0;
    for (let i = 0; i < n; ++i) {
      const phase = (-2 * Math.PI * k * i) / n;
      re += windowed[i] * Math.cos(phase);
      im += windowed[i] * Math.sin(phase);
    }
    frequency.push(k * binHz);
    amplitude.push(k === 0 || windowSum === 0 ? 0 : (Math.hypot(re, im) * 2) / windowSum);
  }
  return { binHz, frequency, amplitude };
}

// Per bin, the amplitude of 2-D motion from its x and y spectra: sqrt(ax^2 + ay^2).
export function combine(x: Spectrum, y: Spectrum): Spectrum {
  return { ...x, amplitude: x.amplitude.map((a, k) => Math.hypot(a, y.amplitude[k] ?? 0)) };
}
