#include "train/eval/results.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace vmm::train::eval {
namespace {

// Indices of the points of each curve, curves in order of first appearance.
std::vector<std::vector<size_t>> PointsByCurve(const EvaluationResults& results) {
  std::vector<std::string> names;
  std::vector<std::vector<size_t>> curves;
  for (size_t i = 0; i < results.points.size(); ++i) {
    const std::string name = results.points[i].point.Curve();
    size_t c = 0;
    while (c < names.size() && names[c] != name) ++c;
    if (c == names.size()) {
      names.push_back(name);
      curves.emplace_back();
    }
    curves[c].push_back(i);
  }
  return curves;
}

std::string CurveTitle(const TestPoint& p) {
  if (p.kind == TestKind::kSubPixel) {
    return absl::StrCat("Sub-pixel test: magnified motion ", kMagnifiedMotion,
                        " px, no noise, background moving");
  }
  return absl::StrCat("Noise test: input motion ", p.input_motion, " px, alpha ", p.alpha,
                      ", background still");
}

std::string FileName(const TestPoint& p) {
  if (p.kind == TestKind::kSubPixel) return "subpixel.svg";
  return absl::StrCat("noise-", p.input_motion, "px.svg");
}

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("cannot write '", path, "'"));
  return absl::OkStatus();
}

}  // namespace

Summary Summarize(const std::vector<double>& values) {
  Summary s;
  s.count = static_cast<int>(values.size());
  if (values.empty()) {
    s.mean = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / s.count;
  if (s.count > 1) {
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(squares / (s.count - 1));
  }
  return s;
}

std::vector<GroupMean> GroupMeans(const EvaluationResults& results) {
  const size_t methods = results.methods.size();
  auto group_of = [&](const std::string& name, const std::vector<size_t>& indices) {
    GroupMean group{name, static_cast<int>(indices.size()), std::vector<double>(methods, 0)};
    for (size_t m = 0; m < methods; ++m) {
      for (size_t i : indices) {
        group.means[m] += Summarize(results.points[i].scores[m]).mean / indices.size();
      }
    }
    return group;
  };
  std::vector<GroupMean> groups;
  std::vector<size_t> all_noise;
  for (const std::vector<size_t>& curve : PointsByCurve(results)) {
    const TestPoint& first = results.points[curve.front()].point;
    const bool noise = first.kind == TestKind::kNoise;
    groups.push_back(group_of(
        absl::StrCat(first.Curve(), noise ? " (all factors)" : " (all motions)"), curve));
    if (noise) all_noise.insert(all_noise.end(), curve.begin(), curve.end());
  }
  if (!all_noise.empty()) groups.push_back(group_of("noise (all points)", all_noise));
  return groups;
}

std::vector<NamedPlot> BuildPlots(const EvaluationResults& results) {
  std::vector<NamedPlot> plots;
  for (const std::vector<size_t>& curve : PointsByCurve(results)) {
    const TestPoint& first = results.points[curve.front()].point;
    const bool noise = first.kind == TestKind::kNoise;
    NamedPlot named{FileName(first),
                    PlotSpec{CurveTitle(first), noise ? "noise factor" : "input motion (px)",
                             "SSIM"}};
    for (size_t m = 0; m < results.methods.size(); ++m) {
      PlotSeries series{results.methods[m]};
      for (size_t i : curve) {
        const PointScores& p = results.points[i];
        const Summary s = Summarize(p.scores[m]);
        series.x.push_back(noise ? p.point.noise_factor : p.point.input_motion);
        series.y.push_back(s.mean);
        series.error.push_back(s.stddev);
      }
      named.plot.series.push_back(std::move(series));
    }
    plots.push_back(std::move(named));
  }
  return plots;
}

std::string FormatMarkdown(const EvaluationResults& results,
                           const std::vector<std::string>& preamble) {
  std::string md = absl::StrCat(absl::StrJoin(preamble, "\n"), preamble.empty() ? "" : "\n\n");
  const std::string method_columns = absl::StrJoin(results.methods, " | ");
  std::string rule;
  for (size_t m = 0; m < results.methods.size(); ++m) rule += "|---:";
  for (const std::vector<size_t>& curve : PointsByCurve(results)) {
    const TestPoint& first = results.points[curve.front()].point;
    const bool noise = first.kind == TestKind::kNoise;
    absl::StrAppend(&md, "### ", CurveTitle(first), "\n\nMean SSIM +- standard deviation over ",
                    Summarize(results.points[curve.front()].scores.at(0)).count,
                    " samples; best in bold.\n\n");
    absl::StrAppend(&md, noise ? "| noise factor " : "| input motion (px) | alpha ", "| ",
                    method_columns, " |\n", noise ? "|---:" : "|---:|---:", rule, "|\n");
    for (size_t i : curve) {
      const PointScores& p = results.points[i];
      std::vector<Summary> summaries;
      size_t best = 0;
      for (size_t m = 0; m < results.methods.size(); ++m) {
        summaries.push_back(Summarize(p.scores[m]));
        if (summaries[m].mean > summaries[best].mean) best = m;
      }
      md += noise ? absl::StrFormat("| %g ", p.point.noise_factor)
                  : absl::StrFormat("| %g | %g ", p.point.input_motion, p.point.alpha);
      for (size_t m = 0; m < summaries.size(); ++m) {
        const std::string cell =
            absl::StrFormat("%.3f +- %.3f", summaries[m].mean, summaries[m].stddev);
        absl::StrAppend(&md, "| ", m == best ? absl::StrCat("**", cell, "**") : cell, " ");
      }
      md += "|\n";
    }
    md += "\n";
  }
  absl::StrAppend(&md, "### Group means (mean over the points of each mean SSIM)\n\n",
                  "| group | points | ", method_columns, " |\n|---|---:", rule, "|\n");
  for (const GroupMean& group : GroupMeans(results)) {
    absl::StrAppend(&md, "| ", group.name, " | ", group.points, " ");
    for (double mean : group.means) absl::StrAppend(&md, absl::StrFormat("| %.3f ", mean));
    md += "|\n";
  }
  return md;
}

std::string FormatPointsCsv(const EvaluationResults& results) {
  std::string csv = "curve,input_motion_px,alpha,noise_factor,method,mean_ssim,std_ssim,samples\n";
  for (const PointScores& p : results.points) {
    for (size_t m = 0; m < results.methods.size(); ++m) {
      const Summary s = Summarize(p.scores[m]);
      absl::StrAppendFormat(&csv, "%s,%g,%g,%g,%s,%.6f,%.6f,%d\n", p.point.Curve(),
                            p.point.input_motion, p.point.alpha, p.point.noise_factor,
                            results.methods[m], s.mean, s.stddev, s.count);
    }
  }
  return csv;
}

std::string FormatSamplesCsv(const EvaluationResults& results) {
  std::string csv = "curve,input_motion_px,alpha,noise_factor,method,sample,ssim\n";
  for (const PointScores& p : results.points) {
    for (size_t m = 0; m < results.methods.size(); ++m) {
      for (size_t i = 0; i < p.scores[m].size(); ++i) {
        absl::StrAppendFormat(&csv, "%s,%g,%g,%g,%s,%d,%.6f\n", p.point.Curve(),
                              p.point.input_motion, p.point.alpha, p.point.noise_factor,
                              results.methods[m], i, p.scores[m][i]);
      }
    }
  }
  return csv;
}

std::string FormatGroupsCsv(const EvaluationResults& results) {
  std::string csv = "group,points,method,mean_ssim\n";
  for (const GroupMean& group : GroupMeans(results)) {
    for (size_t m = 0; m < results.methods.size(); ++m) {
      absl::StrAppendFormat(&csv, "%s,%d,%s,%.6f\n", group.name, group.points,
                            results.methods[m], group.means[m]);
    }
  }
  return csv;
}

absl::Status WriteReport(const std::string& directory, const EvaluationResults& results,
                         const std::vector<std::string>& preamble) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create the folder '", directory, "': ", error.message()));
  }
  const std::filesystem::path dir(directory);
  if (auto s = WriteText(dir / "results.md", FormatMarkdown(results, preamble)); !s.ok()) return s;
  if (auto s = WriteText(dir / "results.csv", FormatPointsCsv(results)); !s.ok()) return s;
  if (auto s = WriteText(dir / "samples.csv", FormatSamplesCsv(results)); !s.ok()) return s;
  if (auto s = WriteText(dir / "group-means.csv", FormatGroupsCsv(results)); !s.ok()) return s;
  for (const NamedPlot& named : BuildPlots(results)) {
    if (auto s = WriteSvgPlot((dir / named.file_name).string(), named.plot); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace vmm::train::eval
