#include "analysis/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "media/frame_pattern.h"

namespace vmm::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

// The output a suggested command writes, in the current folder (the input's may be read-only):
// INPUT's stem (an image sequence's folder name), the frequency, .mp4; no '%' in it, so it is
// never taken for a frame pattern.
std::string SuggestedOutput(const std::string& input, double frequency_hz) {
  const std::filesystem::path path(input);
  std::string stem = media::IsFramePattern(input) ? path.parent_path().filename().string()
                                                  : path.stem().string();
  stem.erase(std::remove(stem.begin(), stem.end(), '%'), stem.end());
  if (stem.empty()) stem = "magnified";
  return absl::StrFormat("%s-%.4gHz.mp4", stem, frequency_hz);
}

nlohmann::json PeakJson(const PeakReport& report, double mm_per_pixel) {
  nlohmann::json peak = {{"frequency_hz", report.peak.frequency_hz},
                         {"amplitude_px", report.peak.amplitude},
                         {"amplitude_x_px", report.amplitude_x},
                         {"amplitude_y_px", report.amplitude_y},
                         {"velocity_px_per_s", 2 * kPi * report.peak.frequency_hz *
                                                   report.peak.amplitude},
                         {"band", {{"low_hz", report.band.low_hz},
                                   {"high_hz", report.band.high_hz}}},
                         {"alpha", report.alpha},
                         {"command", report.command}};
  if (mm_per_pixel > 0) peak["amplitude_mm"] = report.peak.amplitude * mm_per_pixel;
  return peak;
}

}  // namespace

PeakReport DescribePeak(const Peak& peak, const Spectrum& x, const Spectrum& y,
                        const std::string& input, double fs) {
  PeakReport report;
  report.peak = peak;
  report.amplitude_x = LobeAmplitude(x, peak.bin);
  report.amplitude_y = LobeAmplitude(y, peak.bin);
  report.band = SuggestBand(peak, x.bin_hz, fs);
  report.alpha = SuggestAlpha(peak.amplitude);
  report.command = absl::StrFormat(
      "vmm magnify %s -o %s --mode temporal --filter butter --fl %.3g --fh %.3g --fs %.6g "
      "--alpha %.0f",
      ShellWord(input), ShellWord(SuggestedOutput(input, peak.frequency_hz)), report.band.low_hz,
      report.band.high_hz, fs, report.alpha);
  return report;
}

double Rms(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double mean = 0, squares = 0;
  for (const double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  for (const double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size()));
}

double PeakToPeak(const std::vector<double>& values) {
  if (values.empty()) return 0;
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return *high - *low;
}

std::string ShellWord(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-./:=,+%") == std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

nlohmann::json ReportJson(const VideoAnalysis& analysis, const std::string& input,
                          double mm_per_pixel) {
  const double fs = analysis.sample_rate_hz;
  nlohmann::json out = {{"input", input},
                        {"width", analysis.width},
                        {"height", analysis.height},
                        {"frames", analysis.frames},
                        {"sample_rate_hz", fs},
                        {"bin_hz", analysis.whole_frame.bin_hz}};
  if (mm_per_pixel > 0) out["mm_per_pixel"] = mm_per_pixel;
  nlohmann::json whole = {{"textured_blocks", analysis.whole_frame_blocks},
                          {"noise_floor_px", NoiseFloor(analysis.whole_frame)},
                          {"spectrum_px", analysis.whole_frame.amplitude},
                          {"peaks", nlohmann::json::array()}};
  for (const Peak& peak : analysis.whole_frame_peaks) {
    whole["peaks"].push_back({{"frequency_hz", peak.frequency_hz},
                              {"amplitude_px", peak.amplitude}});
  }
  out["whole_frame"] = whole;
  out["regions"] = nlohmann::json::array();
  for (const RegionAnalysis& region : analysis.regions) {
    const Region& r = region.region;
    nlohmann::json item = {{"name", r.name},
                           {"x", r.x},
                           {"y", r.y},
                           {"width", r.width},
                           {"height", r.height},
                           {"textured", region.track.textured},
                           {"lost_frames", region.track.lost_frames},
                           {"rms_px", {{"x", Rms(region.track.dx)}, {"y", Rms(region.track.dy)}}},
                           {"noise_floor_px", region.noise_floor},
                           {"displacement_px", {{"x", region.track.dx}, {"y", region.track.dy}}},
                           {"peaks", nlohmann::json::array()}};
    for (const Peak& peak : region.peaks) {
      item["peaks"].push_back(
          PeakJson(DescribePeak(peak, region.x, region.y, input, fs), mm_per_pixel));
    }
    out["regions"].push_back(item);
  }
  return out;
}

}  // namespace vmm::analysis
