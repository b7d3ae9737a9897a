#include "client/analyze_command.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "analysis/analyze_video.h"
#include "analysis/nice_numbers.h"
#include "analysis/report.h"
#include "analysis/report_summary.h"
#include "analysis/svg_plot.h"
#include "client/exit_codes.h"
#include "common/quoted.h"
#include "client/progress_display.h"
#include "client/remote/connection.h"
#include "client/remote/download.h"
#include "client/remote/rpc_errors.h"
#include "client/remote/upload.h"
#include "client/remote/watch.h"
#include "media/video_reader.h"

namespace vmm::client {
namespace {

// Everything `vmm analyze` was given.
struct AnalyzeFlags {
  std::string input;
  std::vector<std::string> rois;
  double sample_rate_hz = 0;
  double mm_per_pixel = 0;
  int peaks = 5;
  int64_t frames = 0;
  std::string csv_dir;
  std::string plot_dir;
  bool json = false;
  bool quiet = false;
  // Measure on this server as a measurement job instead of here (empty: here).
  std::string server;
  std::string token;
  std::string tls_ca;
};

// "NAME=x,y,w,h" or "x,y,w,h" (named roiN). INVALID_ARGUMENT quoting the text otherwise.
absl::StatusOr<analysis::Region> ParseRegion(const std::string& text, int index) {
  analysis::Region region;
  std::string numbers = text;
  if (const size_t equals = text.find('='); equals != std::string::npos) {
    region.name = text.substr(0, equals);
    numbers = text.substr(equals + 1);
  } else {
    region.name = absl::StrCat("roi", index + 1);
  }
  const std::vector<std::string> parts = absl::StrSplit(numbers, ',');
  int values[4] = {0, 0, 0, 0};
  bool parsed = parts.size() == 4 && !region.name.empty() && region.name.size() <= 64;
  for (size_t i = 0; parsed && i < 4; ++i) parsed = absl::SimpleAtoi(parts[i], &values[i]);
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--roi must be NAME=x,y,width,height in pixels (NAME up to 64 characters), got ",
        common::Quoted(text)));
  }
  region.x = values[0];
  region.y = values[1];
  region.width = values[2];
  region.height = values[3];
  return region;
}

// `text` as one CSV field (quoted when it holds a comma, a quote or a line break).
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Waveforms (displacement and velocity per frame) and spectra as two CSV files in `folder`.
absl::Status WriteCsv(const std::string& folder, const analysis::VideoAnalysis& analysis,
                      double mm_per_pixel) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("--csv: cannot create the folder '", folder, "': ", error.message()));
  }
  std::ofstream waves(folder + "/waveforms.csv");
  std::ofstream spectra(folder + "/spectra.csv");
  if (!waves || !spectra) {
    return absl::UnavailableError(absl::StrCat("--csv: cannot write in '", folder, "'"));
  }
  const double fs = analysis.sample_rate_hz;
  waves << "region,frame,time_s,dx_px,dy_px,vx_px_per_s,vy_px_per_s";
  if (mm_per_pixel > 0) waves << ",dx_mm,dy_mm";
  waves << "\n";
  for (const analysis::RegionAnalysis& region : analysis.regions) {
    const analysis::Track& track = region.track;
    for (size_t i = 0; i < track.dx.size(); ++i) {
      // Central differences inside, one-sided at the ends.
      const size_t before = i == 0 ? 0 : i - 1, after = i + 1 < track.dx.size() ? i + 1 : i;
      const double span = static_cast<double>(after - before) / fs;
      const double vx = span > 0 ? (track.dx[after] - track.dx[before]) / span : 0;
      const double vy = span > 0 ? (track.dy[after] - track.dy[before]) / span : 0;
      waves << CsvField(region.region.name) << "," << i << "," << i / fs << "," << track.dx[i]
            << "," << track.dy[i] << "," << vx << "," << vy;
      if (mm_per_pixel > 0) {
        waves << "," << track.dx[i] * mm_per_pixel << "," << track.dy[i] * mm_per_pixel;
      }
      waves << "\n";
    }
  }
  spectra << "region,frequency_hz,amplitude_px,amplitude_x_px,amplitude_y_px\n";
  for (size_t k = 0; k < analysis.whole_frame.amplitude.size(); ++k) {
    spectra << "(whole frame)," << k * analysis.whole_frame.bin_hz << ","
            << analysis.whole_frame.amplitude[k] << ",,\n";
  }
  for (const analysis::RegionAnalysis& region : analysis.regions) {
    for (size_t k = 0; k < region.combined.amplitude.size(); ++k) {
      spectra << CsvField(region.region.name) << "," << k * region.combined.bin_hz << ","
              << region.combined.amplitude[k] << "," << region.x.amplitude[k] << ","
              << region.y.amplitude[k] << "\n";
    }
  }
  waves.close();
  spectra.close();
  if (!waves || !spectra) {
    return absl::UnavailableError(absl::StrCat("--csv: writing in '", folder, "' failed"));
  }
  return absl::OkStatus();
}

// Up to about 8 round tick positions from 0 to `end`.
std::vector<double> NiceTicks(double end) {
  std::vector<double> ticks;
  if (!(end > 0) || !std::isfinite(end)) return ticks;
  const double step = analysis::NiceAtLeast(end / 8);
  for (double tick = 0; tick <= end + 1e-9 * end; tick += step) ticks.push_back(tick);
  return ticks;
}

// `name` as part of a file name: letters, digits, '-' and '_' kept, anything else '_'.
std::string FileNamePart(const std::string& name) {
  std::string part;
  for (const char c : name) {
    part += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  }
  return part.empty() ? "_" : part;
}

// A spectrum chart: amplitude against frequency, with a marker on each peak and its suggested
// band shaded.
analysis::PlotSpec SpectrumPlot(const std::string& title, const analysis::Spectrum& spectrum,
                                const std::vector<analysis::Peak>& peaks, double fs) {
  analysis::PlotSpec plot{title, "frequency (Hz)", "amplitude (px)"};
  plot.log_x = false;
  plot.markers = false;
  plot.unit_y = false;
  plot.x_ticks = NiceTicks(fs / 2);
  analysis::PlotSeries amplitude{"amplitude", {}, {}, {}};
  for (size_t k = 1; k < spectrum.amplitude.size(); ++k) {
    amplitude.x.push_back(k * spectrum.bin_hz);
    amplitude.y.push_back(spectrum.amplitude[k]);
  }
  plot.series.push_back(amplitude);
  for (const analysis::Peak& peak : peaks) {
    plot.series.push_back({absl::StrFormat("peak %.4g Hz", peak.frequency_hz),
                           {peak.frequency_hz},
                           {spectrum.amplitude[peak.bin]},
                           {},
                           /*points_only=*/true});
    // The band the summary suggests magnifying for this peak.
    const analysis::Band band = analysis::SuggestBand(peak, spectrum.bin_hz, fs);
    plot.x_spans.push_back(
        {absl::StrFormat("%.3g-%.3g Hz", band.low_hz, band.high_hz), band.low_hz, band.high_hz});
  }
  return plot;
}

// For each region its displacement over time and its spectrum, and the whole frame's spectrum,
// as SVG charts in `folder`.
absl::Status WritePlots(const std::string& folder, const analysis::VideoAnalysis& analysis) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("--plot: cannot create the folder '", folder, "': ", error.message()));
  }
  const double fs = analysis.sample_rate_hz;
  if (absl::Status written = analysis::WriteSvgPlot(
          folder + "/frame-spectrum.svg",
          SpectrumPlot("whole frame", analysis.whole_frame, analysis.whole_frame_peaks, fs));
      !written.ok()) {
    return written;
  }
  for (const analysis::RegionAnalysis& region : analysis.regions) {
    const std::string stem = folder + "/" + FileNamePart(region.region.name);
    analysis::PlotSpec waves{region.region.name + ": displacement", "time (s)", "pixels"};
    waves.log_x = false;
    waves.markers = false;
    waves.unit_y = false;
    waves.x_ticks = NiceTicks((region.track.dx.size() - 1) / fs);
    analysis::PlotSeries x{"x", {}, region.track.dx, {}}, y{"y", {}, region.track.dy, {}};
    for (size_t i = 0; i < region.track.dx.size(); ++i) {
      x.x.push_back(i / fs);
      y.x.push_back(i / fs);
    }
    waves.series = {x, y};
    if (absl::Status written = analysis::WriteSvgPlot(stem + "-displacement.svg", waves);
        !written.ok()) {
      return written;
    }
    if (absl::Status written = analysis::WriteSvgPlot(
            stem + "-spectrum.svg",
            SpectrumPlot(region.region.name, region.combined, region.peaks, fs));
        !written.ok()) {
      return written;
    }
  }
  return absl::OkStatus();
}

// Says why the command failed (and with --json, the same as {"error": {...}} on stdout, as the
// remote commands do); returns `exit_code`.
int Fail(const AnalyzeFlags& flags, const absl::Status& status, int exit_code) {
  std::cerr << "vmm analyze: " << status.message() << "\n";
  if (flags.json) {
    const nlohmann::json error = {{"error",
                                   {{"code", absl::StatusCodeToString(status.code())},
                                    {"message", std::string(status.message())},
                                    {"exit_code", exit_code}}}};
    std::cout << error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return exit_code;
}

// Prints the report the way the flags ask.
// Prints the report as JSON or as the summary; DATA_LOSS if it lacks what the summary reads (a
// report from a worker of another version, a value that is not a number).
absl::Status PrintReport(const AnalyzeFlags& flags, const nlohmann::json& report) {
  if (flags.json) {
    // Names and paths are bytes on Linux: invalid UTF-8 is replaced, not fatal.
    std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> summary = analysis::ReportSummary(flags.input, report);
  if (!summary.ok()) return summary.status();
  std::cout << *summary;
  return absl::OkStatus();
}

// The measurement on `flags.server` as a measurement job (JobSpec.analysis): upload, follow,
// fetch the report, print it. The input and the options were checked here already.
int RunRemoteAnalyze(const AnalyzeFlags& flags, const analysis::AnalyzeOptions& options) {
  const std::string command = "analyze";
  ConnectionFlags connection_flags;
  connection_flags.server = flags.server;
  connection_flags.token = flags.token;
  connection_flags.tls_ca = flags.tls_ca;
  connection_flags.json = flags.json;
  absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(connection_flags);
  if (!connection.ok()) return ReportError(command, connection.status(), flags.json);
  vmm::v1::JobSpec spec;
  spec.set_output_format(vmm::v1::OUTPUT_FORMAT_JSON);
  vmm::v1::AnalysisSpec* analysis = spec.mutable_analysis();
  for (const analysis::Region& region : options.regions) {
    vmm::v1::AnalysisSpec::Region* out = analysis->add_regions();
    out->set_name(region.name);
    out->set_x(region.x);
    out->set_y(region.y);
    out->set_width(region.width);
    out->set_height(region.height);
  }
  if (options.sample_rate_hz > 0) analysis->set_sample_rate_hz(options.sample_rate_hz);
  analysis->set_mm_per_pixel(flags.mm_per_pixel);
  analysis->set_max_peaks(options.max_peaks);
  analysis->set_max_frames(options.max_frames);
  const bool show = !flags.quiet && !flags.json;
  vmm::v1::Job job;
  {
    ProgressDisplay progress("upload", "MiB");
    const grpc::Status uploaded =
        UploadJob(**connection, spec, flags.input, show ? &progress : nullptr, &job);
    if (!uploaded.ok()) return ReportRpcError(command, uploaded, flags.json, flags.server);
  }
  {
    ProgressDisplay progress("measure", "frames");
    const grpc::Status watched =
        WatchJobUntilFinal(**connection, job.name(), show ? &progress : nullptr, false, &job);
    if (!watched.ok()) return ReportRpcError(command, watched, flags.json, flags.server);
  }
  if (job.state() != vmm::v1::Job::SUCCEEDED) {
    const bool cancelled = job.state() == vmm::v1::Job::CANCELLED;
    return Fail(flags,
                absl::Status(cancelled ? absl::StatusCode::kCancelled : absl::StatusCode::kAborted,
                             absl::StrCat(job.name(), cancelled ? " was cancelled" : " failed: ",
                                          cancelled ? "" : job.failure_reason())),
                cancelled ? kExitCancelled : kExitFailure);
  }
  const std::filesystem::path report_path =
      std::filesystem::temp_directory_path() / absl::StrCat("vmm-analyze-", job.name().substr(5),
                                                           "-", ::getpid(), ".json");
  int64_t size = 0;
  const grpc::Status downloaded =
      DownloadJobResult(**connection, job.name(), report_path.string(), 0, nullptr, &size);
  if (!downloaded.ok()) return ReportRpcError(command, downloaded, flags.json, flags.server);
  std::ifstream file(report_path);
  const nlohmann::json report = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  file.close();
  std::error_code ignored;
  std::filesystem::remove(report_path, ignored);
  if (report.is_discarded()) {
    return Fail(flags, absl::DataLossError(absl::StrCat("the report of ", job.name(),
                                                        " is not JSON")),
                kExitFailure);
  }
  if (absl::Status printed = PrintReport(flags, report); !printed.ok()) {
    return Fail(flags, absl::DataLossError(absl::StrCat(job.name(), ": ", printed.message())),
                kExitFailure);
  }
  return kExitSuccess;
}

int RunAnalyze(const AnalyzeFlags& flags) {
  analysis::AnalyzeOptions options;
  for (size_t i = 0; i < flags.rois.size(); ++i) {
    absl::StatusOr<analysis::Region> region = ParseRegion(flags.rois[i], static_cast<int>(i));
    if (!region.ok()) return Fail(flags, region.status(), kExitUsage);
    options.regions.push_back(*region);
  }
  options.sample_rate_hz = flags.sample_rate_hz;
  options.max_peaks = flags.peaks;
  options.max_frames = flags.frames;
  if (flags.mm_per_pixel < 0 || !std::isfinite(flags.mm_per_pixel)) {
    return Fail(flags,
                absl::InvalidArgumentError(absl::StrCat(
                    "--scale must be above 0 mm per pixel, got ", flags.mm_per_pixel)),
                kExitUsage);
  }
  // The file first (exit 1), then the flags against it (exit 2), then the run (exit 1).
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader =
      media::VideoReader::Open(flags.input);
  if (!reader.ok()) return Fail(flags, reader.status(), kExitFailure);
  if (absl::Status usable = analysis::CheckAnalyzeOptions(options, (*reader)->info());
      !usable.ok()) {
    return Fail(flags, usable, kExitUsage);
  }
  if (!flags.server.empty()) {
    if (!flags.csv_dir.empty() || !flags.plot_dir.empty()) {
      return Fail(flags,
                  absl::InvalidArgumentError(
                      "--csv and --plot need the spectra, which the service's report leaves out: "
                      "measure here (without --server)"),
                  kExitUsage);
    }
    reader->reset();
    return RunRemoteAnalyze(flags, options);
  }
  if ((*reader)->info().variable_frame_rate) {
    std::cerr << "vmm analyze: note: the video's frames are not evenly spaced in time; the "
                 "spectra take them as evenly spaced at fs\n";
  }
  reader->reset();
  ProgressDisplay display("analyze", "frames");
  absl::StatusOr<analysis::VideoAnalysis> analysis =
      analysis::AnalyzeVideo(flags.input, options, [&](int64_t done, int64_t total) {
        if (!flags.quiet && !flags.json) display.Update(done, total, 0, -1);
      });
  if (!flags.quiet && !flags.json) display.Finish(analysis.ok() ? "done" : "failed");
  if (!analysis.ok()) return Fail(flags, analysis.status(), kExitFailure);
  if (!flags.plot_dir.empty()) {
    if (absl::Status written = WritePlots(flags.plot_dir, *analysis); !written.ok()) {
      return Fail(flags, written, kExitFailure);
    }
  }
  if (!flags.csv_dir.empty()) {
    if (absl::Status written = WriteCsv(flags.csv_dir, *analysis, flags.mm_per_pixel);
        !written.ok()) {
      return Fail(flags, written, kExitFailure);
    }
  }
  if (absl::Status printed =
          PrintReport(flags, analysis::ReportJson(*analysis, flags.input, flags.mm_per_pixel));
      !printed.ok()) {
    return Fail(flags, printed, kExitFailure);
  }
  return kExitSuccess;
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, CommandRegistry& registry) {
  auto flags = std::make_shared<AnalyzeFlags>();
  CLI::App* command = app.add_subcommand(
      "analyze", "Measure the motion of a video: displacement, spectra, bands to magnify");
  command->add_option("input", flags->input, "Video file or image pattern (frames/%04d.png)")
      ->required();
  command->add_option("--roi", flags->rois,
                      "Region to measure, NAME=x,y,width,height in pixels (repeatable; a point is "
                      "a small region)");
  command->add_option("--fs", flags->sample_rate_hz,
                      "Capture rate in Hz (default: the video's frame rate)");
  command->add_option("--scale", flags->mm_per_pixel,
                      "Millimetres per pixel, to report displacements in mm too");
  command->add_option("--peaks", flags->peaks, "Peaks listed per region")->capture_default_str();
  command->add_option("--frames", flags->frames, "Analyse at most this many frames (0: all)")
      ->capture_default_str();
  command->add_option("--csv", flags->csv_dir,
                      "Folder for waveforms.csv and spectra.csv (created if missing)");
  command->add_option("--plot", flags->plot_dir,
                      "Folder for SVG charts: each region's displacement and spectrum, the whole "
                      "frame's spectrum (created if missing)");
  command->add_flag("--json", flags->json, "Print everything as one JSON object");
  command->add_flag("-q,--quiet", flags->quiet, "No progress display");
  command->add_option("--server", flags->server,
                      "Measure on this vmm-server (host:port) as a measurement job, not here");
  command->add_option("--token", flags->token, "Bearer token for --server")->envname("VMM_TOKEN");
  command->add_option("--tls-ca", flags->tls_ca, "PEM file of CA certificates for --server");
  registry.Add(command, [flags] { return RunAnalyze(*flags); });
}

}  // namespace vmm::client
