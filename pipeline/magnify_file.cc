#include "pipeline/magnify_file.h"

#include <chrono>
#include <filesystem>
#include <vector>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "engine/model_loader.h"
#include "media/frame_pattern.h"
#include "pipeline/frame_magnifier_factory.h"
#include "media/video_reader.h"
#include "media/video_writer.h"

namespace vmm::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

bool IsPattern(const std::string& path) { return media::IsFramePattern(path); }

// Where the output is written before it is complete: beside the output, same extension.
std::string TemporaryOutputPath(const std::string& output) {
  if (IsPattern(output)) return output;
  const std::filesystem::path path(output);
  return (path.parent_path() / ("." + path.stem().string() + ".partial" + path.extension().string()))
      .string();
}

// INVALID_ARGUMENT, saying what is needed, when `frames` frames are too few for the FIR filter
// of `params` (it needs `taps` frames to give any output).
absl::Status CheckEnoughFrames(const std::string& input, int64_t frames,
                               const common::MagnifyParams& params) {
  const int taps = params.taps % 2 == 0 ? params.taps + 1 : params.taps;  // as the filter rounds
  if (params.mode != common::Mode::kTemporal || params.filter != common::FilterKind::kFir ||
      frames >= taps) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the FIR filter with ", taps, " taps needs at least ", taps, " frames, and '", input,
      "' has ", frames, ": give fewer --taps (at least 3) or use --filter iir or butter"));
}

torch::Tensor FramesToTensor(const std::vector<media::Frame>& frames) {
  const int64_t height = frames.front().height, width = frames.front().width;
  torch::Tensor batch = torch::empty({static_cast<int64_t>(frames.size()), height, width, 3},
                                     torch::kUInt8);
  for (size_t i = 0; i < frames.size(); ++i) {
    std::memcpy(batch[i].data_ptr<uint8_t>(), frames[i].rgb.data(), frames[i].rgb.size());
  }
  return batch;
}

// Reads every frame's timestamp (for variable-frame-rate inputs, whose output keeps them).
absl::StatusOr<std::vector<double>> ReadTimestamps(const std::string& input) {
  auto reader = media::VideoReader::Open(input);
  if (!reader.ok()) return reader.status();
  std::vector<double> times;
  media::Frame frame;
  while (true) {
    auto more = (*reader)->Read(&frame);
    if (!more.ok()) return more.status();
    if (!*more) break;
    times.push_back(frame.timestamp_seconds);
  }
  return times;
}

absl::StatusOr<torch::Tensor> ReadReferenceFrame(const std::string& input, int64_t index) {
  auto reader = media::VideoReader::Open(input);
  if (!reader.ok()) return reader.status();
  media::Frame frame;
  for (int64_t i = 0; i <= index; ++i) {
    auto more = (*reader)->Read(&frame);
    if (!more.ok()) return more.status();
    if (!*more) {
      return absl::InvalidArgumentError(absl::StrCat("reference frame ", index, " is beyond the end of '",
                                                     input, "', which has ", i, " frames"));
    }
  }
  return FramesToTensor({frame});
}

// Writes magnified frames and keeps count.
class FrameSink {
 public:
  FrameSink(media::VideoWriter& writer, int64_t* written) : writer_(writer), written_(written) {}

  absl::Status Write(const torch::Tensor& frames) {
    for (int64_t i = 0; i < frames.size(0); ++i) {
      torch::Tensor pixels = frames[i].contiguous();
      frame_.width = static_cast<int>(pixels.size(1));
      frame_.height = static_cast<int>(pixels.size(0));
      frame_.rgb.assign(pixels.data_ptr<uint8_t>(), pixels.data_ptr<uint8_t>() + pixels.numel());
      frame_.index = *written_;
      if (auto status = writer_.Write(frame_); !status.ok()) return status;
      ++*written_;
    }
    return absl::OkStatus();
  }

 private:
  media::VideoWriter& writer_;
  int64_t* written_;
  media::Frame frame_;
};

absl::Status Run(const std::string& input, const std::string& temporary,
                 const engine::LoadedModel& model, const MagnifyFileOptions& options,
                 const ProgressCallback& on_progress,
                 const std::atomic<bool>* cancel, const std::atomic<bool>* finish) {
  if (auto status = common::ValidateMagnifyParams(options.params); !status.ok()) return status;
  if (options.batch_size < 1 || options.batch_size > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch must be between 1 and 256, got ", options.batch_size));
  }
  auto reader = media::VideoReader::Open(input);
  if (!reader.ok()) return reader.status();
  const media::VideoInfo info = (*reader)->info();
  // fs not given: the input's frame rate, checked now that it is known.
  absl::StatusOr<common::MagnifyParams> params =
      common::WithSampleRate(options.params, info.fps());
  if (!params.ok()) return params.status();

  auto magnifier = MakeFrameMagnifier(model, *params);
  if (!magnifier.ok()) return magnifier.status();
  if (options.params.mode == common::Mode::kStatic && options.params.reference_frame > 0) {
    auto reference = ReadReferenceFrame(input, options.params.reference_frame);
    if (!reference.ok()) return reference.status();
    if (auto status = (*magnifier)->SetReference(*reference); !status.ok()) return status;
  }

  media::WriterOptions writer_options;
  writer_options.crf = options.crf;
  if (info.has_audio) writer_options.audio_source = input;
  if (info.variable_frame_rate && !IsPattern(temporary)) {
    auto times = ReadTimestamps(input);
    if (!times.ok()) return times.status();
    writer_options.timestamps_seconds = *std::move(times);
  }
  auto writer = media::VideoWriter::Open(temporary, info.width, info.height, info.fps_num,
                                         info.fps_den, writer_options);
  if (!writer.ok()) return writer.status();

  if (cancel != nullptr) (*magnifier)->SetCancelFlag(cancel);
  int64_t frames_read = 0, frames_written = 0;
  double decode_seconds = 0, encode_seconds = 0;
  FrameSink sink(**writer, &frames_written);
  const auto write = [&](const torch::Tensor& frames) {
    const auto began = Clock::now();
    absl::Status status = sink.Write(frames);
    encode_seconds += std::chrono::duration<double>(Clock::now() - began).count();
    return status;
  };
  const auto start = Clock::now();
  auto last_report = start;
  int64_t frames_in_network = 0;
  bool stopped_early = false;  // `finish` ended the reading before the input's end
  auto report = [&](bool force) {
    if (!on_progress) return;
    const auto now = Clock::now();
    if (!force && now - last_report < std::chrono::milliseconds(250)) return;
    last_report = now;
    Progress progress;
    progress.frames_done = frames_written;
    progress.frames_total = info.frame_count;
    const double elapsed = std::chrono::duration<double>(now - start).count();
    progress.frames_per_second = elapsed > 0 ? frames_written / elapsed : 0;
    if (info.frame_count > 0 && progress.frames_per_second > 0) {
      progress.eta_seconds =
          std::max<int64_t>(0, info.frame_count - frames_written) / progress.frames_per_second;
    }
    progress.stage_times = (*magnifier)->stage_times();
    progress.decode_seconds = decode_seconds;
    progress.encode_seconds = encode_seconds;
    progress.frames_in_network = frames_in_network;
    progress.stopped_early = stopped_early;
    on_progress(progress);
  };

  std::vector<media::Frame> batch;
  bool at_end = false;
  while (!at_end) {
    batch.clear();
    while (static_cast<int>(batch.size()) < options.batch_size) {
      if (cancel && cancel->load()) return absl::CancelledError("magnification cancelled");
      if (finish && finish->load()) {
        // Stopped early only if the input had more: a stop during the last batch loses nothing.
        media::Frame unread;
        absl::StatusOr<bool> more = (*reader)->Read(&unread);
        stopped_early = !more.ok() || *more;
        at_end = true;
        break;
      }
      media::Frame frame;
      const auto began = Clock::now();
      auto more = (*reader)->Read(&frame);
      decode_seconds += std::chrono::duration<double>(Clock::now() - began).count();
      if (!more.ok()) return more.status();
      if (!*more) {
        at_end = true;
        break;
      }
      batch.push_back(std::move(frame));
    }
    if (batch.empty()) break;
    frames_read += static_cast<int64_t>(batch.size());
    frames_in_network = static_cast<int64_t>(batch.size());
    report(true);
    auto magnified = (*magnifier)->Push(FramesToTensor(batch));
    frames_in_network = 0;
    if (!magnified.ok()) return magnified.status();
    if (auto status = write(*magnified); !status.ok()) return status;
    report(true);  // the batch is out of the network
  }
  if (frames_read == 0 && stopped_early) {
    return absl::CancelledError("stopped before any frame was magnified");
  }
  if (frames_read == 0) {
    return absl::InvalidArgumentError(absl::StrCat("'", input, "' has no frames"));
  }
  auto rest = (*magnifier)->Flush();
  if (!rest.ok()) return rest.status();
  if (auto status = write(*rest); !status.ok()) return status;
  // Before closing: a writer closed with no frame fails with a message of its own.
  if (absl::Status enough = CheckEnoughFrames(input, frames_read, options.params); !enough.ok()) {
    if (!stopped_early) return enough;
    return absl::CancelledError(absl::StrCat("stopped after ", frames_read,
                                             " frames, too few for the FIR filter to give any"));
  }
  if (stopped_early) (*writer)->EndAudioWithVideo();
  const auto closing = Clock::now();
  if (auto status = (*writer)->Close(); !status.ok()) return status;
  encode_seconds += std::chrono::duration<double>(Clock::now() - closing).count();
  if (frames_written != frames_read) {
    return absl::InternalError(absl::StrCat("wrote ", frames_written, " frames for ", frames_read,
                                            " read"));
  }
  report(true);
  return absl::OkStatus();
}

void RemovePartialOutput(const std::string& temporary) {
  std::error_code ignored;
  if (!IsPattern(temporary)) {
    std::filesystem::remove(temporary, ignored);
    return;
  }
  for (int number = 0;; ++number) {
    if (!std::filesystem::remove(media::FramePatternPath(temporary, number), ignored) &&
        number > 4) {
      break;
    }
  }
}

}  // namespace

absl::Status MagnifyFile(const std::string& input, const std::string& output,
                         const engine::LoadedModel& model, const MagnifyFileOptions& options,
                         const ProgressCallback& on_progress,
                         const std::atomic<bool>* cancel, const std::atomic<bool>* finish) {
  media::WriterOptions writer_options;
  writer_options.crf = options.crf;
  // A bad output is refused under its own name, before anything is read or written.
  if (absl::Status usable = media::CheckOutputPath(output, writer_options); !usable.ok()) {
    return usable;
  }
  const std::string temporary = TemporaryOutputPath(output);
  absl::Status status;
  try {
    status = Run(input, temporary, model, options, on_progress, cancel, finish);
  } catch (const c10::Error& error) {
    status = absl::InternalError(absl::StrCat("magnifying '", input, "' failed: ",
                                              error.what_without_backtrace()));
  }
  if (!status.ok()) {
    RemovePartialOutput(temporary);
    return status;
  }
  if (temporary != output) {
    std::error_code error;
    std::filesystem::rename(temporary, output, error);
    if (error) {
      RemovePartialOutput(temporary);
      return absl::PermissionDeniedError(absl::StrCat("cannot move the result to '", output,
                                                      "': ", error.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace vmm::pipeline
