#include "client/remote/stream_command.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_format.h"
#include "client/exit_codes.h"
#include "client/interrupt_watch.h"
#include "client/magnify_flags.h"
#include "client/progress_display.h"
#include "client/remote/connection.h"
#include "client/remote/live_stream.h"
#include "client/remote/remote_params.h"
#include "client/remote/rpc_errors.h"
#include "media/video_writer.h"

namespace vmm::client {
namespace {

// Everything `vmm stream` was given.
struct StreamFlags {
  ConnectionFlags connection;
  MagnifyFlags magnify;
  std::string input;
  std::string output;
  int max_in_flight = 0;
  int64_t frames = 0;
};

nlohmann::json Summary(const LatencyStats& stats) {
  return {{"median_seconds", stats.Median()}, {"p99_seconds", stats.P99()}};
}

int RunStream(const StreamFlags& flags) {
  const std::string command = "stream";
  const bool json = flags.connection.json;
  // Ctrl-C ends the stream cleanly: no more frames are sent, those in flight come back and the
  // output is finished; a second Ctrl-C stops at once, keeping what was written. Set up before
  // any thread starts, so that every thread leaves the signals to the watch.
  LiveStreamControl control;
  InterruptWatch interrupts(
      [&control] {
        std::cerr << "\nvmm stream: stopping: the frames in flight come back first (Ctrl-C again "
                     "to stop now)\n";
        control.RequestFinish();
      },
      [&control] { control.RequestCancel(); });
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader =
      media::VideoReader::Open(flags.input);
  if (!reader.ok()) {
    if (media::IsCameraDevice(flags.input)) {
      return ReportInputFileError(
          command,
          absl::FailedPreconditionError(absl::StrCat(
              "cannot open the camera ", flags.input, ": ", reader.status().message(),
              " (is it connected, and may this user read it? `v4l2-ctl "
              "--list-devices` lists the cameras)")),
          json);
    }
    return ReportInputFileError(command, reader.status(), json);
  }
  const media::VideoInfo info = (*reader)->info();
  // The output is refused now if it cannot be written, but created only when the first
  // magnified frame arrives: a stream that never starts leaves no empty file behind.
  if (absl::Status usable = media::CheckOutputPath(flags.output); !usable.ok()) {
    std::cerr << "vmm stream: " << usable.message() << "\n";
    return kExitUsage;
  }
  // Parameters are checked by the shared rules before any server is asked (exit 2).
  absl::StatusOr<vmm::v1::MagnifyParams> params =
      ToProtoParams(flags.magnify, common::ParamsUse::kLive, info.fps());
  if (!params.ok()) return ReportError(command, params.status(), json);
  absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(flags.connection);
  if (!connection.ok()) return ReportError(command, connection.status(), json);

  ProgressDisplay progress("stream", "frames");
  const auto start = std::chrono::steady_clock::now();
  LiveStreamReport report;
  const int64_t total = flags.frames > 0 ? flags.frames : info.frame_count;
  std::unique_ptr<media::VideoWriter> writer;
  const grpc::Status status = RunLiveStream(
      **connection, **reader, *params, flags.max_in_flight, flags.frames,
      [&](const media::Frame& frame) {
        if (writer == nullptr) {
          absl::StatusOr<std::unique_ptr<media::VideoWriter>> opened = media::VideoWriter::Open(
              flags.output, info.width, info.height, info.fps_num, info.fps_den, {});
          if (!opened.ok()) return opened.status();
          writer = *std::move(opened);
        }
        const absl::Status written = writer->Write(frame);
        if (!json) {
          const double done = static_cast<double>(writer->frames_written());
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const double rate = seconds > 0 ? done / seconds : 0;
          progress.Update(done, total > 0 ? total : -1, rate,
                          rate > 0 && total > 0 ? (total - done) / rate : -1);
        }
        return written;
      },
      &report, &control);
  // Whatever ended the stream, the frames received so far make a complete, playable file.
  const absl::Status closed = writer != nullptr ? writer->Close() : absl::OkStatus();
  if (!status.ok()) {
    if (writer != nullptr && closed.ok()) {
      std::cerr << "vmm stream: kept the " << report.frames_received << " frames received in "
                << flags.output << "\n";
    }
    return ReportRpcError(command, status, json, flags.connection.server);
  }
  if (!closed.ok()) return ReportError(command, closed, json);
  if (writer == nullptr && control.finish_requested()) {
    // Ctrl-C before the first frame came back: the user stopped it, and there is nothing to keep.
    return ReportError(
        command,
        absl::CancelledError(absl::StrCat("stopped before any frame came back; ", flags.output,
                                          " was not written")),
        json);
  }
  if (writer == nullptr) {
    return ReportError(command, absl::FailedPreconditionError("no frame came back"), json);
  }
  if (!json) progress.Finish(absl::StrCat(report.frames_received, " frames"));
  if (json) {
    nlohmann::json out = {{"output", flags.output},
                          {"frames", report.frames_received},
                          {"worker", report.ready.worker_name()},
                          {"device", report.ready.device()},
                          {"round_trip", Summary(report.round_trip)},
                          {"server_latency", Summary(report.server_latency)},
                          {"engine", Summary(report.engine)},
                          {"frames_per_second", FramesPerSecond(report)},
                          {"overhead", Summary(report.overhead)}};
    std::cout << out.dump() << "\n";
  } else {
    std::cout << absl::StrFormat(
        "%d frames to %s via %s (%s), %.1f frames/s\n"
        "latency per frame: median %.1f ms, p99 %.1f ms (round trip); server %.1f / %.1f ms; "
        "engine %.1f / %.1f ms\n",
        report.frames_received, flags.output, report.ready.worker_name(), report.ready.device(),
        FramesPerSecond(report),
        report.round_trip.Median() * 1e3, report.round_trip.P99() * 1e3,
        report.server_latency.Median() * 1e3, report.server_latency.P99() * 1e3,
        report.engine.Median() * 1e3, report.engine.P99() * 1e3);
  }
  return kExitSuccess;
}

}  // namespace

void AddStreamCommand(CLI::App& app, CommandRegistry& registry) {
  auto flags = std::make_shared<StreamFlags>();
  CLI::App* command = app.add_subcommand(
      "stream", "Magnify frames live on the server: a video, an image sequence or a camera");
  command
      ->add_option("-i,--input", flags->input,
                   "Video file, image pattern (frames/%04d.png) or /dev/videoN")
      ->required();
  command->add_option("-o,--output", flags->output, "Where to write the magnified frames")
      ->required();
  AddMagnifyFlags(command, &flags->magnify);
  command
      ->add_option("--max-in-flight", flags->max_in_flight,
                   "Frames sent but not yet answered (default: the server's)")
      ->check(CLI::Range(0, 1024));
  command->add_option("--frames", flags->frames, "Stop after this many frames (0: all)")
      ->check(CLI::NonNegativeNumber);
  AddConnectionFlags(command, flags->connection);
  registry.Add(command, [flags] { return RunStream(*flags); });
}

}  // namespace vmm::client
