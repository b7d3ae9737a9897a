// The report of an analysis, for people and programs: each peak described (amplitudes, the band
// to magnify, the `vmm magnify` command that does it) and the whole analysis as the JSON
// document `vmm analyze --json` prints and a measurement job's result holds.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/analyze_video.h"
#include "analysis/spectrum.h"

namespace vmm::analysis {

// Everything said about one peak of a region.
struct PeakReport {
  Peak peak;
  double amplitude_x = 0, amplitude_y = 0;  // px, of the x and y spectra at the peak
  Band band;                                // suggested pass band
  double alpha = 0;                         // suggested magnification
  std::string command;                      // the `vmm magnify` command for `input`
};

// Describes `peak` of a region whose x and y spectra are `x` and `y`, for a video named `input`
// captured at `fs`.
PeakReport DescribePeak(const Peak& peak, const Spectrum& x, const Spectrum& y,
                        const std::string& input, double fs);

// Root-mean-square deviation from the mean; 0 for no values.
double Rms(const std::vector<double>& values);
// Largest minus smallest value; 0 for no values.
double PeakToPeak(const std::vector<double>& values);

// `text` as one word of a POSIX shell (single-quoted unless it is plainly safe).
std::string ShellWord(const std::string& text);

// The whole analysis as JSON: the input's name, size, frames, fs, bins, the whole frame's peaks
// and each region's displacement, peaks (with their bands and commands) and noise floor; with
// millimetres when `mm_per_pixel` > 0.
nlohmann::json ReportJson(const VideoAnalysis& analysis, const std::string& input,
                          double mm_per_pixel);

}  // namespace vmm::analysis
