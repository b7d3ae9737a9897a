// Tests of the evaluation's outputs: statistics and group means, the Markdown and CSV tables,
// and the SVG charts.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "train/eval/results.h"
#include "analysis/svg_plot.h"

namespace vmm::train::eval {
namespace {

int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Two methods; two sub-pixel points and two points on each noise curve.
EvaluationResults MakeResults() {
  EvaluationResults r;
  r.methods = {"reference", "phase"};
  r.points.push_back({TestPoint{TestKind::kSubPixel, 0.1, 100, 0}, {{0.5, 0.7}, {0.8, 0.8}}});
  r.points.push_back({TestPoint{TestKind::kSubPixel, 1, 10, 0}, {{0.6, 0.6}, {0.9, 0.9}}});
  r.points.push_back({TestPoint{TestKind::kNoise, 0.05, 200, 1}, {{0.4}, {0.2}}});
  r.points.push_back({TestPoint{TestKind::kNoise, 0.05, 200, 10}, {{0.2}, {0.1}}});
  r.points.push_back({TestPoint{TestKind::kNoise, 2, 5, 1}, {{0.5}, {0.7}}});
  r.points.push_back({TestPoint{TestKind::kNoise, 2, 5, 10}, {{0.3}, {0.5}}});
  r.method_seconds = {1, 2};
  return r;
}

TEST(SummaryTest, MeanAndSampleStandardDeviation) {
  const Summary s = Summarize({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.stddev, std::sqrt(5.0 / 3.0), 1e-12);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(Summarize({0.7}).stddev, 0);
  EXPECT_TRUE(std::isnan(Summarize({}).mean));
}

TEST(GroupMeansTest, AveragesThePointMeansOfEachCurveAndOfAllNoise) {
  const std::vector<GroupMean> groups = GroupMeans(MakeResults());
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].name, "sub-pixel (all motions)");
  EXPECT_EQ(groups[0].points, 2);
  EXPECT_NEAR(groups[0].means[0], (0.6 + 0.6) / 2, 1e-12);
  EXPECT_NEAR(groups[0].means[1], (0.8 + 0.9) / 2, 1e-12);
  EXPECT_EQ(groups[1].name, "noise 0.05 px (all factors)");
  EXPECT_NEAR(groups[1].means[1], 0.15, 1e-12);
  EXPECT_EQ(groups[2].name, "noise 2 px (all factors)");
  EXPECT_NEAR(groups[2].means[0], 0.4, 1e-12);
  EXPECT_EQ(groups[3].name, "noise (all points)");
  EXPECT_EQ(groups[3].points, 4);
  EXPECT_NEAR(groups[3].means[0], (0.4 + 0.2 + 0.5 + 0.3) / 4, 1e-12);
}

TEST(TablesTest, MarkdownHasOneTablePerCurveAndTheGroupMeans) {
  const std::string md = FormatMarkdown(MakeResults(), {"# Title", "- model: x"});
  EXPECT_TRUE(absl::StartsWith(md, "# Title\n- model: x\n\n")) << md;
  EXPECT_TRUE(absl::StrContains(md, "### Sub-pixel test")) << md;
  EXPECT_TRUE(absl::StrContains(md, "### Noise test: input motion 0.05 px, alpha 200")) << md;
  EXPECT_TRUE(absl::StrContains(md, "### Noise test: input motion 2 px, alpha 5")) << md;
  EXPECT_TRUE(absl::StrContains(md, "| 0.1 | 100 | 0.600 +- 0.141 | **0.800 +- 0.000** |")) << md;
  EXPECT_TRUE(absl::StrContains(md, "| noise (all points) | 4 | 0.350 | 0.375 |")) << md;
}

TEST(TablesTest, CsvHasARowPerPointAndMethod) {
  const EvaluationResults results = MakeResults();
  const std::vector<std::string> lines =
      absl::StrSplit(FormatPointsCsv(results), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1 + results.points.size() * 2);
  EXPECT_EQ(lines[0], "curve,input_motion_px,alpha,noise_factor,method,mean_ssim,std_ssim,samples");
  EXPECT_EQ(lines[1], "sub-pixel,0.1,100,0,reference,0.600000,0.141421,2");
  EXPECT_EQ(lines.back(), "noise 2 px,2,5,10,phase,0.500000,0.000000,1");
  const std::string groups = FormatGroupsCsv(results);
  EXPECT_TRUE(absl::StrContains(groups, "noise (all points),4,phase,0.375000\n")) << groups;
}

TEST(TablesTest, SamplesCsvHasARowPerPointMethodAndSample) {
  const EvaluationResults results = MakeResults();
  const std::vector<std::string> lines =
      absl::StrSplit(FormatSamplesCsv(results), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1 + 2 * 2 * 2 + 4 * 2);  // two points of two samples, four of one
  EXPECT_EQ(lines[0], "curve,input_motion_px,alpha,noise_factor,method,sample,ssim");
  EXPECT_EQ(lines[1], "sub-pixel,0.1,100,0,reference,0,0.500000");
  EXPECT_EQ(lines[2], "sub-pixel,0.1,100,0,reference,1,0.700000");
  EXPECT_EQ(lines.back(), "noise 2 px,2,5,10,phase,0,0.500000");
}

TEST(PlotsTest, OneChartPerCurveWithASeriesPerMethod) {
  const std::vector<NamedPlot> plots = BuildPlots(MakeResults());
  ASSERT_EQ(plots.size(), 3u);
  EXPECT_EQ(plots[0].file_name, "subpixel.svg");
  EXPECT_EQ(plots[1].file_name, "noise-0.05px.svg");
  EXPECT_EQ(plots[2].file_name, "noise-2px.svg");
  EXPECT_EQ(plots[0].plot.x_label, "input motion (px)");
  EXPECT_EQ(plots[2].plot.x_label, "noise factor");
  ASSERT_EQ(plots[2].plot.series.size(), 2u);
  EXPECT_EQ(plots[2].plot.series[1].name, "phase");
  EXPECT_EQ(plots[2].plot.series[1].x, (std::vector<double>{1, 10}));
  EXPECT_EQ(plots[2].plot.series[1].y, (std::vector<double>{0.7, 0.5}));
}

TEST(SvgPlotTest, DrawsEverySeriesWithItsPointsAndLegend) {
  PlotSpec plot{"SSIM <vs> motion", "input motion (px)", "SSIM"};
  plot.series.push_back({"reference", {0.01, 0.1, 1}, {0.5, 0.6, 0.7}, {0.1, 0.1, 0.1}});
  plot.series.push_back({"a&b", {0.01, 0.1, 1}, {0.8, 0.85, 0.9}, {}});
  const std::string svg = RenderSvgPlot(plot);
  EXPECT_TRUE(absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  EXPECT_EQ(Count(svg, "<circle"), 6);
  EXPECT_EQ(Count(svg, "<polygon"), 1);  // only the series with errors gets a band
  EXPECT_TRUE(absl::StrContains(svg, ">reference</text>"));
  EXPECT_TRUE(absl::StrContains(svg, ">a&amp;b</text>"));
  EXPECT_TRUE(absl::StrContains(svg, "SSIM &lt;vs&gt; motion"));
  EXPECT_TRUE(absl::StrContains(svg, "input motion (px), log scale"));
  for (const char* tick : {">0.01</text>", ">0.1</text>", ">1</text>"}) {
    EXPECT_TRUE(absl::StrContains(svg, tick)) << tick;
  }
  // The lines rise to the right: SVG y grows downwards, so the last point has the smallest y.
  const size_t at = svg.find("<polyline points=\"") + 18;
  const std::vector<std::string> points =
      absl::StrSplit(svg.substr(at, svg.find('"', at) - at), ' ', absl::SkipEmpty());
  ASSERT_EQ(points.size(), 3u);
  const double first_y = std::stod(points[0].substr(points[0].find(',') + 1));
  const double last_y = std::stod(points[2].substr(points[2].find(',') + 1));
  EXPECT_GT(first_y, last_y);
}

TEST(SvgPlotTest, LeavesOutPointsALogAxisCannotShow) {
  PlotSpec plot{"t", "x", "y"};
  plot.series.push_back({"s", {0, 1, 10}, {0.5, 0.6, 0.7}, {}});
  EXPECT_EQ(Count(RenderSvgPlot(plot), "<circle"), 2);
  plot.log_x = false;
  EXPECT_EQ(Count(RenderSvgPlot(plot), "<circle"), 3);
}

// A span (a pass band) is shaded between its ends on the axis and labelled; one beyond the data
// is clipped to the axis, one wholly outside is left out.
TEST(SvgPlotTest, SpansAreShadedBetweenTheirEnds) {
  PlotSpec plot{"spectrum", "frequency (Hz)", "amplitude (px)"};
  plot.log_x = false;
  plot.series.push_back({"amplitude", {0, 10}, {0, 1}, {}});
  plot.x_spans.push_back({"1.5-2.5 Hz", 1.5, 2.5});
  plot.x_spans.push_back({"past the end", 9, 12});
  plot.x_spans.push_back({"outside", 20, 30});
  const std::string svg = RenderSvgPlot(plot);
  EXPECT_EQ(Count(svg, "class=\"span\""), 2);
  EXPECT_TRUE(absl::StrContains(svg, ">1.5-2.5 Hz</text>"));
  EXPECT_FALSE(absl::StrContains(svg, "outside"));
  // Both spans are one unit of x wide (the second clipped at 10), 7.5 units apart.
  const size_t first = svg.find("data-name=\"1.5-2.5 Hz\"");
  const size_t second = svg.find("data-name=\"past the end\"");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  auto number_after = [&](size_t from, const std::string& key) {
    return std::stod(svg.substr(svg.find(key, from) + key.size()));
  };
  const double first_x = number_after(first, " x=\""), first_w = number_after(first, "width=\"");
  const double second_x = number_after(second, " x=\"");
  const double second_w = number_after(second, "width=\"");
  EXPECT_GT(first_w, 10);
  EXPECT_NEAR(second_w, first_w, 0.2);
  EXPECT_NEAR(second_x - first_x, 7.5 * first_w, 0.5);
}

// A series of marks (a spectrum's peaks) gets its markers even on a chart without them, and no
// line.
TEST(SvgPlotTest, PointsOnlySeriesAreMarkersWithoutALine) {
  PlotSpec plot{"spectrum", "frequency (Hz)", "amplitude (px)"};
  plot.log_x = false;
  plot.markers = false;
  plot.series.push_back({"amplitude", {1, 2, 3}, {0.1, 0.3, 0.1}, {}});
  plot.series.push_back({"peak", {2}, {0.3}, {}, /*points_only=*/true});
  const std::string svg = RenderSvgPlot(plot);
  EXPECT_EQ(Count(svg, "<circle"), 1);
  EXPECT_EQ(Count(svg, "<polyline"), 1);
}

// Off the score scale (displacements of several pixels, amplitudes of hundredths) the y axis is
// fitted to the data in round steps instead of being clamped to [-1, 1].
TEST(SvgPlotTest, AFittedYAxisShowsValuesBeyondTheScoreScale) {
  PlotSpec plot{"displacement", "time (s)", "pixels"};
  plot.log_x = false;
  plot.unit_y = false;
  plot.series.push_back({"x", {0, 1, 2}, {-3.2, 0.5, 3.4}, {}});
  const std::string svg = RenderSvgPlot(plot);
  EXPECT_NE(svg.find(">-4</text>"), std::string::npos) << svg;  // steps of 1 from -4 to 4
  EXPECT_NE(svg.find(">4</text>"), std::string::npos) << svg;
  plot.series[0].y = {0.002, 0.011, 0.004};
  const std::string small = RenderSvgPlot(plot);
  EXPECT_NE(small.find(">0.012</text>"), std::string::npos) << small;  // steps of 0.002
  EXPECT_EQ(small.find(">0.1</text>"), std::string::npos) << small;
}

TEST(WriteReportTest, WritesTablesAndChartsAndNamesAnUnwritableFolder) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vmm-eval-report-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(WriteReport(dir.string(), MakeResults(), {"# t"}).ok());
  for (const char* name : {"results.md", "results.csv", "samples.csv", "group-means.csv",
                           "subpixel.svg", "noise-0.05px.svg", "noise-2px.svg"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / name)) << name;
  }
  std::ifstream svg(dir / "noise-2px.svg");
  std::stringstream text;
  text << svg.rdbuf();
  EXPECT_EQ(Count(text.str(), "<polyline"), 2);
  // A regular file where the folder should be.
  const absl::Status status = WriteReport((dir / "results.md").string(), MakeResults(), {});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(status.message(), "results.md")) << status;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vmm::train::eval
