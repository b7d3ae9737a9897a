#include "analysis/report_summary.h"

#include <cstdint>
#include <ostream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/region_tracker.h"
#include "analysis/report.h"

namespace vmm::analysis {
namespace {

// "0.101 px" or "0.101 px (0.0505 mm)".
std::string Length(double pixels, double mm_per_pixel) {
  if (mm_per_pixel <= 0) return absl::StrFormat("%.4g px", pixels);
  return absl::StrFormat("%.4g px (%.4g mm)", pixels, pixels * mm_per_pixel);
}


// Writes the summary of `report` to `out`; throws nlohmann::json::exception where the report
// lacks a field or holds another type.
void WriteSummary(const std::string& input, const nlohmann::json& report, std::ostream& out) {
  const double mm_per_pixel = report.value("mm_per_pixel", 0.0);
  const int64_t frames = report.at("frames").get<int64_t>();
  out << absl::StrFormat("%s: %dx%d, %d frames at fs %.6g Hz; spectra in bins of %.4g Hz\n",
                               input, report.at("width").get<int>(), report.at("height").get<int>(),
                               frames, report.at("sample_rate_hz").get<double>(),
                               report.at("bin_hz").get<double>());
  const nlohmann::json& whole = report.at("whole_frame");
  out << absl::StrFormat("whole frame (%d textured blocks):",
                               whole.at("textured_blocks").get<int>());
  if (whole.at("peaks").empty()) out << " no peak above the noise floor";
  for (const nlohmann::json& peak : whole.at("peaks")) {
    out << absl::StrFormat(" %.4g Hz (%s)", peak.at("frequency_hz").get<double>(),
                                 Length(peak.at("amplitude_px").get<double>(), mm_per_pixel));
  }
  out << "\n";
  for (const nlohmann::json& region : report.at("regions")) {
    const std::vector<double> dx = region.at("displacement_px").at("x").get<std::vector<double>>();
    const std::vector<double> dy = region.at("displacement_px").at("y").get<std::vector<double>>();
    Region r{region.at("name").get<std::string>(), region.at("x").get<int>(),
                       region.at("y").get<int>(), region.at("width").get<int>(),
                       region.at("height").get<int>()};
    out << absl::StrFormat(
        "region %s (%d,%d,%d,%d): rms x %s, y %s; peak to peak x %s, y %s\n", r.name, r.x, r.y,
        r.width, r.height, Length(region.at("rms_px").at("x").get<double>(), mm_per_pixel),
        Length(region.at("rms_px").at("y").get<double>(), mm_per_pixel),
        Length(PeakToPeak(dx), mm_per_pixel),
        Length(PeakToPeak(dy), mm_per_pixel));
    if (!region.at("textured").get<bool>()) {
      out << "  too flat to measure: choose a region with texture in both directions\n";
      continue;
    }
    const int lost = region.at("lost_frames").get<int>();
    if (lost > 0) {
      out << absl::StrFormat(
          "  lost in %d of %d frames (its content moved more than %d px or left the region; the "
          "last good value is repeated there): choose a larger region or one that stays put\n",
          lost, frames, MaxDisplacement(r));
    }
    if (region.at("peaks").empty()) {
      out << absl::StrFormat("  no peak above the noise floor (%s per bin)\n",
                                   Length(region.at("noise_floor_px").get<double>(), mm_per_pixel));
    }
    for (const nlohmann::json& peak : region.at("peaks")) {
      out << absl::StrFormat(
          "  peak %.4g Hz: amplitude %s (x %.4g, y %.4g px), velocity %.4g px/s\n"
          "    band %.3g-%.3g Hz: %s\n",
          peak.at("frequency_hz").get<double>(), Length(peak.at("amplitude_px").get<double>(),
                                                     mm_per_pixel),
          peak.at("amplitude_x_px").get<double>(), peak.at("amplitude_y_px").get<double>(),
          peak.at("velocity_px_per_s").get<double>(), peak.at("band").at("low_hz").get<double>(),
          peak.at("band").at("high_hz").get<double>(), peak.at("command").get<std::string>());
    }
  }
}

}  // namespace

absl::StatusOr<std::string> ReportSummary(const std::string& input, const nlohmann::json& report) {
  std::ostringstream summary;
  try {
    WriteSummary(input, report, summary);
  } catch (const nlohmann::json::exception& error) {
    return absl::DataLossError(
        absl::StrCat("the report is not the shape this vmm reads: ", error.what()));
  }
  return summary.str();
}

}  // namespace vmm::analysis
