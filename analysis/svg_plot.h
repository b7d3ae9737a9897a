// A small SVG line-chart writer for the evaluation's figures (SSIM against input motion or noise
// factor) and `vmm analyze`'s charts: one line with markers per series, a shaded band of plus or
// minus one standard deviation around it (as in the paper's Fig. 8), a logarithmic or linear x
// axis labelled at the data's x values or at given ticks, a y axis with gridlines (for scores or
// fitted to the data), shaded x spans (pass bands), and a legend. No dependencies.
//
//   PlotSpec plot{"Sub-pixel test", "input motion (px)", "SSIM"};
//   plot.series.push_back({"phase", {0.01, 0.1, 1}, {0.6, 0.7, 0.8}, {0.05, 0.04, 0.03}});
//   absl::Status status = WriteSvgPlot("eval-out/subpixel.svg", plot);
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace vmm::analysis {

// One curve. `x` and `y` have one value per point; `error` is empty or one half-width per point.
struct PlotSeries {
  std::string name;
  std::vector<double> x, y, error;
  bool points_only = false;  // markers at the points and no line (marks such as peaks)
};

// A shaded stretch of the x axis (such as a suggested pass band), labelled at its top.
struct PlotSpan {
  std::string label;
  double x_low = 0, x_high = 0;
};

// A whole chart.
struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<PlotSeries> series;
  std::vector<PlotSpan> x_spans;  // drawn under the series, clipped to the x axis
  bool log_x = true;  // logarithmic x axis (every x must then be positive)
  std::vector<double> x_ticks;  // where the x axis is labelled; empty: at the data's x values
  bool markers = true;          // a dot at every point (off for long curves)
  // true: the y axis spans [-1, 1] at most, in tenths (scores such as SSIM); false: it is fitted
  // to the data in steps of 1, 2 or 5 x 10^k (displacements, amplitudes).
  bool unit_y = true;
  int width = 640;    // pixels
  int height = 420;
};

// The chart as an SVG document. Points with non-finite values (or x <= 0 on a log axis) are
// left out.
std::string RenderSvgPlot(const PlotSpec& plot);

// Writes RenderSvgPlot(plot) to `path`. INTERNAL with the path when the file cannot be written.
absl::Status WriteSvgPlot(const std::string& path, const PlotSpec& plot);

}  // namespace vmm::analysis
