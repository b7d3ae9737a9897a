#include "worker/job_runner.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "analysis/analyze_video.h"
#include "analysis/report.h"
#include "common/analysis_limits.h"
#include "common/sha256.h"
#include "media/video_reader.h"
#include "pipeline/magnify_file.h"
#include "worker/params_conversion.h"
#include "worker/work_folder.h"

namespace vmm::worker {
namespace {

// ".mp4" from "wrist.mp4": the input's extension as a format hint (letters and digits only).
std::string SafeExtension(const std::string& filename) {
  const size_t dot = filename.find_last_of('.');
  if (dot == std::string::npos) return "";
  std::string extension = ".";
  for (size_t i = dot + 1; i < filename.size() && extension.size() <= 8; ++i) {
    const char c = filename[i];
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
    extension.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return extension.size() > 1 ? extension : "";
}

// Where a job's input is stored inside its temporary folder.
std::string InputPath(const std::string& folder, const vmm::v1::Assignment& assignment) {
  return absl::StrCat(folder, "/input", SafeExtension(assignment.input_filename()));
}

vmm::v1::JobFinished Outcome(const std::string& job_id) {
  vmm::v1::JobFinished finished;
  finished.set_job_id(job_id);
  return finished;
}

}  // namespace

JobRunner::JobRunner(vmm::v1::WorkerService::StubInterface& stub, WorkerIdentity identity,
                     JobRunnerConfig config, WorkerModel& model, WorkerMetrics& metrics,
                     ControlSender send)
    : stub_(stub),
      identity_(std::move(identity)),
      config_(std::move(config)),
      model_(model),
      metrics_(metrics),
      send_(std::move(send)) {}

std::optional<vmm::v1::JobFinished> JobRunner::Run(const vmm::v1::Assignment& assignment,
                                                   JobControl& control) {
  vmm::v1::JobFinished finished = Outcome(assignment.job_id());
  std::string limit_failure;
  absl::StatusOr<vmm::v1::JobSucceeded> result;
  absl::StatusOr<JobFolder> folder = JobFolder::Create(config_.work_dir, assignment.job_id());
  if (!folder.ok()) {
    // The worker's fault, not the job's: hand it back so that no attempt is spent, and take no
    // more jobs until the folder works again.
    work_folder_unusable_ = true;
    finished.mutable_handed_back()->set_reason(std::string(folder.status().message()));
    return finished;
  }
  result = Execute(assignment, folder->path(), control, limit_failure);
  switch (control.reason()) {
    case StopReason::kCancelled:
      finished.mutable_cancelled();
      break;
    case StopReason::kHandBack:
      finished.mutable_handed_back()->set_reason("worker shutting down");
      break;
    case StopReason::kDisconnected:
      return std::nullopt;  // the server requeues the job itself
    case StopReason::kFailed:
      finished.mutable_failed()->set_reason(limit_failure);
      break;
    case StopReason::kNone:
      if (result.ok()) {
        *finished.mutable_succeeded() = *result;
      } else {
        // The owner knows the file by its own name, not by the worker's temporary path.
        std::string reason(result.status().message());
        const std::string shown =
            assignment.input_filename().empty() ? "the input" : assignment.input_filename();
        reason = absl::StrReplaceAll(reason, {{InputPath(folder->path(), assignment), shown}});
        finished.mutable_failed()->set_reason(reason);
        // Running out of memory may pass on another attempt; a bad input never will.
        finished.mutable_failed()->set_retryable(
            result.status().code() == absl::StatusCode::kResourceExhausted ||
            result.status().code() == absl::StatusCode::kUnavailable);
      }
      break;
  }
  return finished;
}

absl::StatusOr<vmm::v1::JobSucceeded> JobRunner::Execute(const vmm::v1::Assignment& assignment,
                                                         const std::string& folder,
                                                         JobControl& control,
                                                         std::string& limit_failure) {
  ProgressReporter reporter(assignment.job_id(), send_);
  reporter.Update(0, 0, 0, "reading the input");
  const std::string input = InputPath(folder, assignment);
  if (absl::Status fetched = FetchInput(stub_, identity_, assignment, input, control);
      !fetched.ok()) {
    return fetched;
  }

  // Probe the input: a clear reason for a file that is not a video, and the server's limits.
  absl::StatusOr<std::unique_ptr<media::VideoReader>> probe = media::VideoReader::Open(input);
  if (!probe.ok()) return probe.status();
  const media::VideoInfo info = (*probe)->info();
  probe->reset();
  if ((config_.max_frame_width > 0 && info.width > config_.max_frame_width) ||
      (config_.max_frame_height > 0 && info.height > config_.max_frame_height)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the input's frames are ", info.width, "x", info.height, ", larger than the limit ",
        config_.max_frame_width, "x", config_.max_frame_height));
  }
  if (assignment.has_analysis()) return Measure(assignment, folder, input, info, reporter, control);
  // The container's frame count may be an estimate (mkv), so the frame limit is checked on the
  // frames actually decoded.
  const int64_t max_frames = assignment.max_frames();

  pipeline::MagnifyFileOptions options;
  absl::StatusOr<common::MagnifyParams> params =
      ToEngineParams(assignment.params(), common::ParamsUse::kFile, info.fps());
  if (!params.ok()) return params.status();
  options.params = *params;
  options.batch_size = config_.batch_size;
  absl::StatusOr<engine::LoadedModel> model = model_.Get();
  if (!model.ok()) return model.status();
  const std::string output = absl::StrCat(
      folder,
      assignment.output_format() == vmm::v1::OUTPUT_FORMAT_MKV ? "/result.mkv" : "/result.mp4");
  int64_t frames_counted = 0;
  pipeline::Progress last_progress;
  const auto on_progress = [&](const pipeline::Progress& progress) {
    reporter.Update(progress.frames_done, progress.frames_total, progress.frames_per_second,
                    "magnifying");
    metrics_.AddFrames(progress.frames_done - frames_counted);
    metrics_.SetFramesInNetwork(progress.frames_in_network);
    frames_counted = std::max(frames_counted, progress.frames_done);
    last_progress = progress;
    if (max_frames > 0 && progress.frames_done > max_frames &&
        control.reason() == StopReason::kNone) {
      limit_failure =
          absl::StrCat("the input has more than ", max_frames, " frames, the server's limit");
      control.RequestStop(StopReason::kFailed);
    }
  };
  const absl::Status magnified =
      pipeline::MagnifyFile(input, output, *model, options, on_progress, control.flag());
  metrics_.SetFramesInNetwork(0);  // also when a stop ended the batch inside the network
  StageSeconds stages;
  stages.decode = last_progress.decode_seconds;
  stages.encode = last_progress.encode_seconds;
  stages.encoder = last_progress.stage_times.encoder;
  stages.manipulator = last_progress.stage_times.manipulator;
  stages.decoder = last_progress.stage_times.decoder;
  metrics_.AddStageSeconds(stages);
  if (!magnified.ok()) return magnified;
  std::error_code ignored;
  std::filesystem::remove(input, ignored);

  reporter.Update(last_progress.frames_done, last_progress.frames_total, 0, "uploading the result");
  return Upload(assignment, output, last_progress.frames_done, reporter, control);
}

absl::StatusOr<vmm::v1::JobSucceeded> JobRunner::Upload(const vmm::v1::Assignment& assignment,
                                                        const std::string& path, int64_t frames,
                                                        ProgressReporter& reporter,
                                                        JobControl& control) {
  absl::StatusOr<common::FileDigest> digest = common::DigestFile(path);
  if (!digest.ok()) return digest.status();
  if (absl::Status uploaded =
          UploadResult(stub_, identity_, assignment.job_id(), path, *digest, control);
      !uploaded.ok()) {
    return uploaded;
  }
  reporter.Stop();
  vmm::v1::JobSucceeded succeeded;
  succeeded.set_result_size_bytes(digest->size_bytes);
  succeeded.set_result_sha256(digest->sha256);
  succeeded.set_frames_processed(frames);
  return succeeded;
}

absl::StatusOr<vmm::v1::JobSucceeded> JobRunner::Measure(const vmm::v1::Assignment& assignment,
                                                         const std::string& folder,
                                                         const std::string& input,
                                                         const media::VideoInfo& info,
                                                         ProgressReporter& reporter,
                                                         JobControl& control) {
  const vmm::v1::AnalysisSpec& spec = assignment.analysis();
  analysis::AnalyzeOptions options;
  for (const vmm::v1::AnalysisSpec::Region& region : spec.regions()) {
    options.regions.push_back(
        {region.name(), region.x(), region.y(), region.width(), region.height()});
  }
  options.sample_rate_hz = spec.has_sample_rate_hz() ? spec.sample_rate_hz() : 0;
  options.max_peaks = spec.max_peaks() > 0 ? spec.max_peaks() : common::kDefaultPeaks;
  // The server's frame limit: a longer input fails the job, as a magnification's does (one
  // frame past the limit is read to tell).
  const int64_t limit = assignment.max_frames();
  options.max_frames = spec.max_frames();
  const bool capped = limit > 0 && (options.max_frames == 0 || options.max_frames > limit);
  if (capped) options.max_frames = limit + 1;
  // A region outside the frame, fs unknown: INVALID_ARGUMENT naming it fails the job.
  if (absl::Status usable = analysis::CheckAnalyzeOptions(options, info); !usable.ok()) {
    return usable;
  }
  int64_t frames_counted = 0;
  absl::StatusOr<analysis::VideoAnalysis> measured =
      analysis::AnalyzeVideo(input, options, [&](int64_t done, int64_t total) {
        reporter.Update(done, options.max_frames > 0 && total > options.max_frames
                                  ? options.max_frames
                                  : total,
                        0, "measuring");
        metrics_.AddFrames(done - frames_counted);
        frames_counted = done;
      }, control.flag());
  if (!measured.ok()) return measured.status();
  if (capped && measured->frames > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("the input has more than ", limit, " frames, the server's limit"));
  }
  std::error_code ignored;
  std::filesystem::remove(input, ignored);
  const std::string shown =
      assignment.input_filename().empty() ? "input" : assignment.input_filename();
  const std::string report = analysis::ReportJson(*measured, shown, spec.mm_per_pixel())
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string output = folder + "/result.json";
  {
    std::ofstream file(output, std::ios::binary | std::ios::trunc);
    file << report << "\n";
    file.close();
    if (!file) return absl::UnavailableError("cannot write the report in the work folder");
  }
  reporter.Update(measured->frames, measured->frames, 0, "uploading the report");
  return Upload(assignment, output, measured->frames, reporter, control);
}

}  // namespace vmm::worker
