#include "client/remote/submit_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/exit_codes.h"
#include "client/magnify_flags.h"
#include "client/progress_display.h"
#include "client/remote/connection.h"
#include "client/remote/download.h"
#include "client/remote/job_output.h"
#include "client/remote/labels.h"
#include "client/remote/remote_params.h"
#include "client/remote/rpc_errors.h"
#include "client/remote/upload.h"
#include "client/remote/watch.h"
#include "media/video_reader.h"

namespace vmm::client {
namespace {

// Everything `vmm submit` was given.
struct SubmitFlags {
  ConnectionFlags connection;
  MagnifyFlags magnify;
  std::string input;
  std::string output;
  std::string format;  // mp4 | mkv; empty: from the output's extension
  std::string display_name;
  std::vector<std::string> labels;
  bool no_wait = false;
};

vmm::v1::OutputFormat ChooseFormat(const SubmitFlags& flags) {
  if (flags.format == "mkv") return vmm::v1::OUTPUT_FORMAT_MKV;
  if (flags.format == "mp4") return vmm::v1::OUTPUT_FORMAT_MP4;
  return absl::EndsWithIgnoreCase(flags.output, ".mkv") ? vmm::v1::OUTPUT_FORMAT_MKV
                                                        : vmm::v1::OUTPUT_FORMAT_MP4;
}

// OK when `path` is a regular file this process can open; NOT_FOUND or FAILED_PRECONDITION
// naming it otherwise.
absl::Status CheckInputFile(const std::string& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    return absl::NotFoundError(absl::StrCat("'", path, "' does not exist"));
  }
  if (std::filesystem::is_directory(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", path, "' is a folder: give a video file (an image sequence is streamed "
                     "with vmm stream, or made into a video first)"));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return absl::FailedPreconditionError(absl::StrCat("'", path, "' is not a regular file"));
  }
  if (std::ifstream(path, std::ios::binary).fail()) {
    return absl::PermissionDeniedError(absl::StrCat("cannot read '", path, "'"));
  }
  return absl::OkStatus();
}

// The input's first frame, decoded here before anything is sent, so that a file that is no
// video (empty, truncated, text, a frame too big) is the caller's to fix now (exit 1), not a
// failed job later; the video's description on success.
absl::StatusOr<media::VideoInfo> ProbeInput(const std::string& path) {
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader = media::VideoReader::Open(path);
  if (!reader.ok()) return reader.status();
  media::Frame first;
  absl::StatusOr<bool> read = (*reader)->Read(&first);
  if (!read.ok()) return read.status();
  if (!*read) {
    return absl::InvalidArgumentError(absl::StrCat("read '", path, "': the video has no frames"));
  }
  return (*reader)->info();
}

// The input's frame rate when it stands in for --fs (temporal mode without --fs), so that a pass
// band above the Nyquist rate is refused now, not by the worker; 0 otherwise.
double TemporalInputRate(const SubmitFlags& flags, const media::VideoInfo& info) {
  if (flags.magnify.numbers.sample_rate_hz != 0) return 0;
  absl::StatusOr<common::Mode> mode = common::ParseMode(flags.magnify.mode);
  if (!mode.ok() || *mode != common::Mode::kTemporal) return 0;
  return info.fps();
}

int RunSubmit(const SubmitFlags& flags) {
  const std::string command = "submit";
  const bool json = flags.connection.json;
  if (flags.output.empty() && !flags.no_wait) {
    std::cerr << "vmm submit: -o OUTPUT is required unless --no-wait is given\n";
    return kExitUsage;
  }
  absl::StatusOr<std::map<std::string, std::string>> labels = ParseLabels(flags.labels);
  if (!labels.ok()) return ReportError(command, labels.status(), json);
  // A local file problem is the caller's to fix here, before any server is asked (exit 1).
  if (absl::Status readable = CheckInputFile(flags.input); !readable.ok()) {
    return ReportInputFileError(command, readable, json);
  }
  absl::StatusOr<media::VideoInfo> input = ProbeInput(flags.input);
  if (!input.ok()) return ReportInputFileError(command, input.status(), json);
  // Parameters are checked by the shared rules before any server is asked (exit 2).
  absl::StatusOr<vmm::v1::MagnifyParams> params =
      ToProtoParams(flags.magnify, common::ParamsUse::kFile, TemporalInputRate(flags, *input));
  if (!params.ok()) return ReportError(command, params.status(), json);
  absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(flags.connection);
  if (!connection.ok()) return ReportError(command, connection.status(), json);

  vmm::v1::JobSpec spec;
  spec.set_display_name(flags.display_name);
  spec.mutable_labels()->insert(labels->begin(), labels->end());
  *spec.mutable_params() = *params;
  spec.set_output_format(ChooseFormat(flags));
  vmm::v1::Job job;
  {
    ProgressDisplay progress("upload", "MiB");
    const grpc::Status uploaded =
        UploadJob(**connection, spec, flags.input, json ? nullptr : &progress, &job);
    if (!uploaded.ok()) return ReportRpcError(command, uploaded, json, flags.connection.server);
  }
  if (flags.no_wait) {
    std::cout << (json ? ToJson(job) : job.name()) << "\n";
    return kExitSuccess;
  }
  if (!json) std::cerr << "submitted " << job.name() << "\n";
  {
    ProgressDisplay progress("magnify", "frames");
    const grpc::Status watched =
        WatchJobUntilFinal(**connection, job.name(), json ? nullptr : &progress, false, &job);
    if (!watched.ok()) {
      std::cerr << "vmm submit: lost " << job.name() << "; follow it with `vmm watch " << job.name()
                << "`\n";
      return ReportRpcError(command, watched, json, flags.connection.server);
    }
  }
  if (job.state() == vmm::v1::Job::FAILED) {
    if (json) std::cout << ToJson(job) << "\n";
    std::cerr << "vmm submit: " << job.name() << " failed: " << job.failure_reason() << "\n";
    return kExitFailure;
  }
  if (job.state() == vmm::v1::Job::CANCELLED) {
    if (json) std::cout << ToJson(job) << "\n";
    std::cerr << "vmm submit: " << job.name() << " was cancelled\n";
    return kExitCancelled;
  }
  ProgressDisplay progress("download", "MiB");
  int64_t size = 0;
  const grpc::Status downloaded = DownloadJobResult(**connection, job.name(), flags.output, 0,
                                                    json ? nullptr : &progress, &size);
  if (!downloaded.ok()) {
    std::cerr << "vmm submit: resume with `vmm fetch " << job.name() << " -o " << flags.output
              << " --resume`\n";
    return ReportRpcError(command, downloaded, json, flags.connection.server);
  }
  if (json) {
    std::cout << ToJson(job) << "\n";
  } else {
    std::cout << job.name() << " SUCCEEDED: " << flags.output << " (" << HumanBytes(size) << ")\n";
  }
  return kExitSuccess;
}

}  // namespace

void AddSubmitCommand(CLI::App& app, CommandRegistry& registry) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* command =
      app.add_subcommand("submit", "Upload a video to the server, magnify it there, download it");
  command->add_option("input", flags->input, "Video file to magnify")->required();
  command->add_option("-o,--output", flags->output, "Where to save the result");
  AddMagnifyFlags(command, &flags->magnify);
  command
      ->add_option("--format", flags->format,
                   "Result container: mp4 (H.264) or mkv (lossless FFV1); default from -o")
      ->check(CLI::IsMember({"mp4", "mkv"}));
  command->add_option("--name", flags->display_name, "A name for the job");
  command->add_option("--label", flags->labels, "A label key=value (repeatable)");
  command->add_flag("--no-wait", flags->no_wait, "Print the job's name and exit after upload");
  AddConnectionFlags(command, flags->connection);
  registry.Add(command, [flags] { return RunSubmit(*flags); });
}

}  // namespace vmm::client
