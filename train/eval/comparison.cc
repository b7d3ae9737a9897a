#include "train/eval/comparison.h"

#include <cmath>
#include <fstream>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace vmm::train::eval {
namespace {

constexpr char kHeader[] = "curve,input_motion_px,alpha,noise_factor,method,sample,ssim";

using PointKey = std::tuple<std::string, std::string, std::string>;  // curve, motion, factor

PointKey KeyOf(const PointSampleScores& point) {
  return {point.curve, point.input_motion, point.noise_factor};
}

// Mean and standard error of the mean (0 for fewer than two values).
std::pair<double, double> MeanAndStandardError(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  const double mean = values.empty() ? 0 : sum / values.size();
  if (values.size() < 2) return {mean, 0};
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return {mean, std::sqrt(squares / (values.size() - 1) / values.size())};
}

double Mean(const std::vector<double>& values) { return MeanAndStandardError(values).first; }

// The change from `base` to `candidate`, the scores of the same samples (for a group, each
// sample's mean over the group's points).
PairedChange Summarise(std::string name, int points, const std::vector<double>& base,
                       const std::vector<double>& candidate, double sigmas) {
  std::vector<double> differences(base.size());
  for (size_t i = 0; i < base.size(); ++i) differences[i] = candidate[i] - base[i];
  const auto [difference, error] = MeanAndStandardError(differences);
  PairedChange change{std::move(name), points, static_cast<int>(base.size()), Mean(base),
                      Mean(candidate), difference, error};
  if (difference > sigmas * error && difference > 0) change.change = Change::kUp;
  if (difference < -sigmas * error && difference < 0) change.change = Change::kDown;
  return change;
}

const char* ChangeName(Change change) {
  switch (change) {
    case Change::kUp:
      return "up";
    case Change::kDown:
      return "**down**";
    case Change::kLevel:
      return "level";
  }
  return "level";
}

void AppendTable(std::string& md, const std::string& first_column,
                 const std::vector<PairedChange>& rows) {
  absl::StrAppend(&md, "| ", first_column,
                  " | base | candidate | difference | standard error | change |\n"
                  "|---|---:|---:|---:|---:|---|\n");
  for (const PairedChange& row : rows) {
    absl::StrAppendFormat(&md, "| %s | %.4f | %.4f | %+.4f | %.4f | %s |\n", row.name,
                          row.base_mean, row.candidate_mean, row.difference, row.standard_error,
                          ChangeName(row.change));
  }
}

}  // namespace

std::string PointSampleScores::Label() const {
  if (curve == "sub-pixel") return absl::StrCat("motion ", input_motion, " px");
  return absl::StrCat(curve, ", factor ", noise_factor);
}

absl::StatusOr<std::vector<PointSampleScores>> ReadSampleScores(const std::string& path,
                                                               const std::string& method) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  std::string line;
  if (!std::getline(in, line) || absl::StripSuffix(line, "\r") != kHeader) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' is not a samples.csv of vmm-eval (its first line should be '",
                     kHeader, "')"));
  }
  std::vector<PointSampleScores> points;
  std::map<PointKey, size_t> index;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = absl::StrSplit(absl::StripSuffix(line, "\r"), ',');
    int sample = 0;
    double ssim = 0;
    if (fields.size() != 7 || !absl::SimpleAtoi(fields[5], &sample) || sample < 0 ||
        !absl::SimpleAtod(fields[6], &ssim)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ", line ", number, ": expected ", kHeader));
    }
    if (fields[4] != method) continue;
    PointSampleScores row{fields[0], fields[1], fields[3], {}};
    auto [it, inserted] = index.try_emplace(KeyOf(row), points.size());
    if (inserted) points.push_back(std::move(row));
    std::vector<double>& scores = points[it->second].ssim;
    if (sample != static_cast<int>(scores.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ", line ", number, ": sample ", sample, " of '",
                       points[it->second].Label(), "' where sample ", scores.size(),
                       " was expected"));
    }
    scores.push_back(ssim);
  }
  if (points.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' has no scores of the method '", method, "'"));
  }
  return points;
}

absl::StatusOr<Comparison> ComparePaired(const std::vector<PointSampleScores>& base,
                                         const std::vector<PointSampleScores>& candidate,
                                         double sigmas) {
  Comparison comparison;
  comparison.sigmas = sigmas;
  std::map<PointKey, const PointSampleScores*> candidates;
  for (const PointSampleScores& point : candidate) candidates[KeyOf(point)] = &point;

  // Per curve: the per-sample scores of each matched point, for the group means.
  std::vector<std::string> curves;
  std::map<std::string, std::vector<std::pair<const PointSampleScores*,
                                               const PointSampleScores*>>> by_curve;
  for (const PointSampleScores& point : base) {
    const auto found = candidates.find(KeyOf(point));
    if (found == candidates.end()) {
      comparison.unmatched.push_back(point.Label());
      continue;
    }
    const PointSampleScores& other = *found->second;
    candidates.erase(found);
    if (other.ssim.size() != point.ssim.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", point.Label(), "' has ", point.ssim.size(), " samples in the base and ",
          other.ssim.size(), " in the candidate: compare evaluations run with the same --samples"));
    }
    comparison.points.push_back(Summarise(point.Label(), 1, point.ssim, other.ssim, sigmas));
    if (by_curve[point.curve].empty()) curves.push_back(point.curve);
    by_curve[point.curve].emplace_back(&point, &other);
  }
  for (const PointSampleScores& point : candidate) {
    if (candidates.count(KeyOf(point)) > 0) comparison.unmatched.push_back(point.Label());
  }
  if (comparison.points.empty()) {
    return absl::InvalidArgumentError("the two evaluations share no test point");
  }

  // A group's score of sample i is the mean over its points of sample i's scores.
  auto group = [&](const std::string& name,
                   const std::vector<std::pair<const PointSampleScores*,
                                               const PointSampleScores*>>& pairs)
      -> absl::StatusOr<PairedChange> {
    const size_t samples = pairs.front().first->ssim.size();
    std::vector<double> base_means(samples, 0), candidate_means(samples, 0);
    for (const auto& [b, c] : pairs) {
      if (b->ssim.size() != samples) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the points of '", name, "' have different sample counts, so they cannot be averaged"));
      }
      for (size_t i = 0; i < samples; ++i) {
        base_means[i] += b->ssim[i] / pairs.size();
        candidate_means[i] += c->ssim[i] / pairs.size();
      }
    }
    return Summarise(name, static_cast<int>(pairs.size()), base_means, candidate_means, sigmas);
  };
  std::vector<std::pair<const PointSampleScores*, const PointSampleScores*>> all_noise;
  for (const std::string& curve : curves) {
    const bool noise = curve != "sub-pixel";
    absl::StatusOr<PairedChange> change =
        group(absl::StrCat(curve, noise ? " (all factors)" : " (all motions)"), by_curve[curve]);
    if (!change.ok()) return change.status();
    comparison.groups.push_back(*std::move(change));
    if (noise) all_noise.insert(all_noise.end(), by_curve[curve].begin(), by_curve[curve].end());
  }
  if (!all_noise.empty()) {
    absl::StatusOr<PairedChange> change = group("noise (all points)", all_noise);
    if (!change.ok()) return change.status();
    comparison.groups.push_back(*std::move(change));
  }
  return comparison;
}

std::string FormatComparison(const Comparison& comparison) {
  std::string md = absl::StrFormat(
      "Difference = candidate - base, sample by sample over the same scenes; standard error of "
      "that mean difference; up or down where the difference exceeds %g standard errors, level "
      "otherwise.\n\n",
      comparison.sigmas);
  AppendTable(md, "point", comparison.points);
  md += "\n";
  AppendTable(md, "group (mean of its points)", comparison.groups);
  int up = 0, down = 0;
  std::vector<std::string> downs;
  for (const PairedChange& point : comparison.points) {
    if (point.change == Change::kUp) ++up;
    if (point.change == Change::kDown) {
      ++down;
      downs.push_back(point.name);
    }
  }
  absl::StrAppend(&md, "\nPoints: ", up, " up, ",
                  comparison.points.size() - static_cast<size_t>(up + down), " level, ", down,
                  " down", down > 0 ? absl::StrCat(" (", absl::StrJoin(downs, "; "), ")") : "",
                  ".\n");
  if (!comparison.unmatched.empty()) {
    absl::StrAppend(&md, "Scored by one evaluation only: ",
                    absl::StrJoin(comparison.unmatched, "; "), ".\n");
  }
  return md;
}

}  // namespace vmm::train::eval
