// Compares two evaluations (vmm-eval runs on the same test set, e.g. of two checkpoints) sample
// by sample: sample i of a point is the same scene in both, so the difference of each sample's
// SSIM cancels what the scenes contribute, and its standard error says whether a change of a
// point's mean is larger than what these samples can resolve.
//
//   const auto base = ReadSampleScores("eval-a/samples.csv", "learned");
//   const auto candidate = ReadSampleScores("eval-b/samples.csv", "learned");
//   const auto comparison = ComparePaired(*base, *candidate, 2.0);
//   std::cout << FormatComparison(*comparison);
//
// Thread-safety: pure functions (ReadSampleScores reads a file).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vmm::train::eval {

// One test point's per-sample SSIM for one method, as samples.csv lists it.
struct PointSampleScores {
  std::string curve;         // "sub-pixel", "noise 0.05 px", ...
  std::string input_motion;  // as written, e.g. "0.05"
  std::string noise_factor;  // "0" for sub-pixel points
  std::vector<double> ssim;  // by sample index
  // The point as vmm-eval prints it: "motion 0.5 px" or "noise 2 px, factor 100".
  std::string Label() const;
};

// Reads `method`'s scores from a samples.csv (results.h, FormatSamplesCsv), points in file order.
// NOT_FOUND when the file cannot be read; INVALID_ARGUMENT naming the line when a row is
// malformed, a sample is missing or repeated, or the method has no rows.
absl::StatusOr<std::vector<PointSampleScores>> ReadSampleScores(const std::string& path,
                                                               const std::string& method);

// Which way a mean moved, judged against the standard error of the paired differences.
enum class Change { kUp, kLevel, kDown };

// A point (or a group of points) compared.
struct PairedChange {
  std::string name;              // the point's label, or the group's name
  int points = 1;                // points averaged (groups)
  int samples = 0;
  double base_mean = 0;
  double candidate_mean = 0;
  double difference = 0;         // candidate_mean - base_mean
  double standard_error = 0;     // of `difference`, from the per-sample differences
  Change change = Change::kLevel;
};

// Every point both evaluations scored, then each curve's and all noise points' mean.
struct Comparison {
  double sigmas = 2;  // a change is up or down when |difference| > sigmas * standard_error
  std::vector<PairedChange> points;
  std::vector<PairedChange> groups;
  std::vector<std::string> unmatched;  // labels of points only one evaluation scored
};

// Pairs the points of `base` and `candidate` by curve, motion and noise factor and their samples
// by index. INVALID_ARGUMENT when a paired point has different sample counts or none is shared.
absl::StatusOr<Comparison> ComparePaired(const std::vector<PointSampleScores>& base,
                                         const std::vector<PointSampleScores>& candidate,
                                         double sigmas);

// Markdown: a table of the points, one of the groups, and a line counting ups and downs.
std::string FormatComparison(const Comparison& comparison);

}  // namespace vmm::train::eval
