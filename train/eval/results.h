// The scores the evaluation collects and everything made from them: per-point statistics, the
// group means (over the sub-pixel points, over each noise curve and over all noise points), the
// Markdown and CSV tables and the SVG figures (SSIM against input motion and noise factor).
//
// Thread-safety: plain data and pure functions (WriteReport writes files).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "analysis/svg_plot.h"
#include "train/eval/test_sets.h"

namespace vmm::train::eval {

// The charts come from analysis/svg_plot.h.
using analysis::PlotSeries;
using analysis::PlotSpec;
using analysis::RenderSvgPlot;
using analysis::WriteSvgPlot;

// The SSIM scores of one test point: scores[m][i] for method m and sample i.
struct PointScores {
  TestPoint point;
  std::vector<std::vector<double>> scores;
};

// Everything one evaluation measured.
struct EvaluationResults {
  std::vector<std::string> methods;     // names, in column order
  std::vector<PointScores> points;      // in evaluation order
  std::vector<double> method_seconds;   // time spent in each method
  double render_seconds = 0;            // time spent rendering samples
};

// Mean and sample standard deviation (0 for fewer than two values).
struct Summary {
  double mean = 0;
  double stddev = 0;
  int count = 0;
};

// Summarises `values` (NaN mean for none).
Summary Summarize(const std::vector<double>& values);

// The mean over a group of points of each method's mean score.
struct GroupMean {
  std::string name;            // e.g. "sub-pixel (all motions)"
  int points = 0;              // test points in the group
  std::vector<double> means;   // one per method
};

// Group means: each curve of the results, then all noise points together (when any).
std::vector<GroupMean> GroupMeans(const EvaluationResults& results);

// A chart and the file name it is written under.
struct NamedPlot {
  std::string file_name;  // e.g. "subpixel.svg"
  PlotSpec plot;
};

// One chart per curve: SSIM against input motion (sub-pixel) or noise factor (noise curves).
std::vector<NamedPlot> BuildPlots(const EvaluationResults& results);

// Markdown: `preamble` lines, one table per curve (rows: points; columns: mean +- std of every
// method), and a table of the group means.
std::string FormatMarkdown(const EvaluationResults& results,
                           const std::vector<std::string>& preamble);

// CSV, one row per point and method: curve, input_motion_px, alpha, noise_factor, method,
// mean_ssim, std_ssim, samples.
std::string FormatPointsCsv(const EvaluationResults& results);

// CSV, one row per point, method and sample: curve, input_motion_px, alpha, noise_factor, method,
// sample, ssim. Sample i is the same scene for every method, which is what lets two evaluations
// be compared sample by sample (train/eval/comparison.h).
std::string FormatSamplesCsv(const EvaluationResults& results);

// CSV, one row per group and method: group, points, method, mean_ssim.
std::string FormatGroupsCsv(const EvaluationResults& results);

// Writes results.md, results.csv, samples.csv, group-means.csv and the charts into `directory`
// (created if needed). INTERNAL naming the file when one cannot be written.
absl::Status WriteReport(const std::string& directory, const EvaluationResults& results,
                         const std::vector<std::string>& preamble);

}  // namespace vmm::train::eval
