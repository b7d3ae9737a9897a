#include "analysis/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/nice_numbers.h"

namespace vmm::analysis {
namespace {

constexpr const char* kColours[] = {"#7f7f7f", "#d62728", "#1f77b4", "#2ca02c",
                                    "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};
constexpr int kLeft = 70, kRight = 140, kTop = 40, kBottom = 60;

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Maps data coordinates to pixels.
class Axes {
 public:
  Axes(const PlotSpec& plot, double x_min, double x_max, double y_min, double y_max)
      : plot_(plot), x_min_(Scale(x_min)), x_max_(Scale(x_max)), y_min_(y_min), y_max_(y_max) {}

  bool Usable(double x, double y) const {
    return std::isfinite(x) && std::isfinite(y) && (!plot_.log_x || x > 0);
  }
  double Px(double x) const {
    const double span = x_max_ - x_min_;
    const double t = span > 0 ? (Scale(x) - x_min_) / span : 0.5;
    return kLeft + (0.04 + 0.92 * t) * (plot_.width - kLeft - kRight);
  }
  double Py(double y) const {
    const double t = (std::clamp(y, y_min_, y_max_) - y_min_) / (y_max_ - y_min_);
    return plot_.height - kBottom - t * (plot_.height - kTop - kBottom);
  }

 private:
  double Scale(double x) const { return plot_.log_x ? std::log10(x) : x; }
  const PlotSpec& plot_;
  double x_min_, x_max_, y_min_, y_max_;
};

std::string Text(double x, double y, const std::string& text, const std::string& extra = "") {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, extra, Escape(text));
}

}  // namespace

std::string RenderSvgPlot(const PlotSpec& plot) {
  // Data ranges over the usable points.
  const Axes probe(plot, 1, 1, 0, 1);
  std::set<double> xs;
  double y_low = std::numeric_limits<double>::infinity(), y_high = -y_low;
  for (const PlotSeries& s : plot.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!probe.Usable(s.x[i], s.y[i])) continue;
      const double e = i < s.error.size() && std::isfinite(s.error[i]) ? s.error[i] : 0;
      xs.insert(s.x[i]);
      y_low = std::min(y_low, s.y[i] - e);
      y_high = std::max(y_high, s.y[i] + e);
    }
  }
  if (xs.empty()) {
    xs.insert(1.0);
    y_low = 0;
    y_high = 1;
  }
  // The y axis: within [-1, 1] in tenths for scores (SSIM), or fitted to the data in round steps.
  double y_min, y_max, y_step;
  if (plot.unit_y) {
    y_min = std::floor(std::max(-1.0, y_low) * 10 - 1e-9) / 10;
    y_max = std::max(y_min + 0.1, std::ceil(std::min(1.0, y_high) * 10 - 1e-9) / 10);
    y_step = (y_max - y_min) > 1.0001 ? 0.2 : 0.1;
  } else {
    const double span = y_high > y_low ? y_high - y_low : std::max(std::abs(y_high), 1e-9);
    y_step = NiceAtLeast(span / 8);
    y_min = std::floor(y_low / y_step + 1e-9) * y_step;
    y_max = std::max(y_min + y_step, std::ceil(y_high / y_step - 1e-9) * y_step);
  }
  const Axes axes(plot, *xs.begin(), *xs.rbegin(), y_min, y_max);
  const double plot_right = plot.width - kRight, plot_bottom = plot.height - kBottom;

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n",
      plot.width, plot.height, plot.width, plot.height);
  svg += Text(plot.width / 2.0, 22, plot.title, "text-anchor=\"middle\" font-size=\"15\"");
  // Y gridlines and labels.
  for (double y = y_min; y <= y_max + 1e-9 * y_step; y += y_step) {
    svg += absl::StrFormat(
        "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", kLeft,
        axes.Py(y), plot_right, axes.Py(y));
    const double shown = std::abs(y) < 1e-3 * y_step ? 0 : y;  // no "-1e-17" for zero
    const std::string label =
        plot.unit_y ? absl::StrFormat("%.1f", y) : absl::StrFormat("%g", shown);
    svg += Text(kLeft - 6, axes.Py(y) + 4, label, "text-anchor=\"end\"");
  }
  // X ticks at the data's x values, or at the plot's own within the data's range.
  std::vector<double> ticks(xs.begin(), xs.end());
  if (!plot.x_ticks.empty()) {
    ticks.clear();
    for (double x : plot.x_ticks) {
      if (x >= *xs.begin() && x <= *xs.rbegin() && probe.Usable(x, 0)) ticks.push_back(x);
    }
  }
  for (double x : ticks) {
    svg += absl::StrFormat(
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", axes.Px(x),
        double(kTop), axes.Px(x), plot_bottom);
    svg += Text(axes.Px(x), plot_bottom + 16, absl::StrFormat("%g", x), "text-anchor=\"middle\"");
  }
  // Spans, clipped to the axis, under the frame and the series.
  for (const PlotSpan& span : plot.x_spans) {
    const double low = std::max(span.x_low, *xs.begin());
    const double high = std::min(span.x_high, *xs.rbegin());
    if (!(low < high) || !probe.Usable(low, 0)) continue;
    const double left = axes.Px(low), right = axes.Px(high);
    svg += absl::StrFormat(
        "<rect class=\"span\" data-name=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
        "height=\"%.1f\" fill=\"#f0c000\" fill-opacity=\"0.25\"/>\n",
        Escape(span.label), left, kTop, right - left, plot_bottom - kTop);
    svg += Text((left + right) / 2, kTop + 14, span.label,
                "text-anchor=\"middle\" font-size=\"10\" fill=\"#806000\"");
  }
  svg += absl::StrFormat(
      "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n",
      kLeft, kTop, plot_right - kLeft, plot_bottom - kTop);
  svg += Text((kLeft + plot_right) / 2, plot.height - 18,
              plot.x_label + (plot.log_x ? ", log scale" : ""), "text-anchor=\"middle\"");
  svg += Text(18, (kTop + plot_bottom) / 2, plot.y_label,
              absl::StrFormat("text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\"",
                              (kTop + plot_bottom) / 2));

  for (size_t k = 0; k < plot.series.size(); ++k) {
    const PlotSeries& s = plot.series[k];
    const char* colour = kColours[k % (sizeof(kColours) / sizeof(kColours[0]))];
    std::string line, upper, lower, markers;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!axes.Usable(s.x[i], s.y[i])) continue;
      const double px = axes.Px(s.x[i]), py = axes.Py(s.y[i]);
      absl::StrAppendFormat(&line, "%.1f,%.1f ", px, py);
      if (plot.markers || s.points_only) {
        markers += absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px,
                                   py, colour);
      }
      if (i < s.error.size() && std::isfinite(s.error[i])) {
        upper += absl::StrFormat("%.1f,%.1f ", px, axes.Py(s.y[i] + s.error[i]));
        lower = absl::StrFormat("%.1f,%.1f ", px, axes.Py(s.y[i] - s.error[i])) + lower;
      }
    }
    svg += absl::StrFormat("<g class=\"series\" data-name=\"%s\">\n", Escape(s.name));
    if (!upper.empty()) {
      svg += absl::StrFormat("<polygon points=\"%s%s\" fill=\"%s\" fill-opacity=\"0.08\"/>\n",
                             upper, lower, colour);
    }
    if (!s.points_only) {
      svg += absl::StrFormat(
          "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", line,
          colour);
    }
    svg += markers + "</g>\n";
    const double legend_y = kTop + 12 + 20.0 * k;
    svg += absl::StrFormat(
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
        "stroke-width=\"2\"/>\n",
        plot_right + 12, legend_y, plot_right + 36, legend_y, colour);
    svg += Text(plot_right + 42, legend_y + 4, s.name);
  }
  svg += "</svg>\n";
  return svg;
}

absl::Status WriteSvgPlot(const std::string& path, const PlotSpec& plot) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << RenderSvgPlot(plot);
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("cannot write the plot '", path, "'"));
  return absl::OkStatus();
}

}  // namespace vmm::analysis
