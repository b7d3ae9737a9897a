#include "media/video_writer.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "media/audio_copier.h"
#include "media/ffmpeg_handles.h"
#include "media/ffmpeg_status.h"
#include "media/output_plan.h"
#include "media/pixel_converter.h"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

namespace vmm::media {
namespace {

constexpr AVRational kVariableRateTimeBase{1, 90000};

// Frees an options dictionary on scope exit.
struct DictionaryGuard {
  AVDictionary* dictionary = nullptr;
  ~DictionaryGuard() { av_dict_free(&dictionary); }
};

}  // namespace

// Everything one open output holds.
struct VideoWriter::Output {
  std::string path;
  int width = 0, height = 0;
  AVRational frame_rate{0, 1};
  WriterOptions options;
  OutputPlan plan;
  OutputFormatContextPtr format;
  CodecContextPtr encoder;
  AVStream* stream = nullptr;  // owned by format
  FramePtr picture;
  PacketPtr packet;
  PixelConverter converter;
  std::unique_ptr<AudioCopier> audio;
  std::vector<std::string> warnings;
  std::unordered_map<int64_t, int64_t> durations;  // frame pts -> duration, encoder time base
  int64_t frames_written = 0;
  double video_end_seconds = 0;  // end of the last video packet written
  bool audio_to_video_end = false;  // Close copies audio only up to video_end_seconds
  bool header_written = false;
  bool closed = false;
  absl::Status failure;  // first error; later calls return it
  absl::Status close_status;

  // Opens the muxer, the encoder, the audio copy and writes the header.
  absl::Status Start();
  // Sends `input` (nullptr to flush) to the encoder and writes the packets that come out.
  absl::Status Encode(AVFrame* input);
  // Duration of frame `index` in encoder time base.
  int64_t FrameDuration(int64_t index) const;
};

absl::Status VideoWriter::Output::Start() {
  AVFormatContext* raw_format = nullptr;
  int result = avformat_alloc_output_context2(&raw_format, nullptr, plan.muxer, path.c_str());
  if (result < 0) return FfmpegError(result, "create output", path);
  format.reset(raw_format);

  const AVCodec* codec = avcodec_find_encoder(plan.codec);
  if (codec == nullptr) {
    return absl::InternalError(absl::StrCat("open output '", path, "': FFmpeg lacks an ",
                                            avcodec_get_name(plan.codec), " encoder"));
  }
  stream = avformat_new_stream(format.get(), nullptr);
  encoder.reset(avcodec_alloc_context3(codec));
  picture.reset(av_frame_alloc());
  packet.reset(av_packet_alloc());
  if (stream == nullptr || !encoder || !picture || !packet) {
    return absl::ResourceExhaustedError("out of memory");
  }
  const bool variable_rate = !options.timestamps_seconds.empty();
  encoder->width = width;
  encoder->height = height;
  encoder->pix_fmt = plan.pixel_format;
  encoder->framerate = frame_rate;
  encoder->time_base = variable_rate ? kVariableRateTimeBase : av_inv_q(frame_rate);
  encoder->thread_count = 0;  // one per core
  DictionaryGuard codec_options;
  if (plan.codec == AV_CODEC_ID_H264) {
    encoder->colorspace = AVCOL_SPC_BT709;
    encoder->color_primaries = AVCOL_PRI_BT709;
    encoder->color_trc = AVCOL_TRC_BT709;
    encoder->color_range = AVCOL_RANGE_MPEG;
    av_dict_set_int(&codec_options.dictionary, "crf", options.crf, 0);
    av_dict_set(&codec_options.dictionary, "preset", options.preset.c_str(), 0);
  } else if (plan.codec == AV_CODEC_ID_FFV1) {
    av_dict_set(&codec_options.dictionary, "level", "3", 0);
    av_dict_set(&codec_options.dictionary, "slicecrc", "1", 0);
  }
  if (format->oformat->flags & AVFMT_GLOBALHEADER) {
    encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  ClearFfmpegLogMessage();
  result = avcodec_open2(encoder.get(), codec, &codec_options.dictionary);
  if (result < 0) return FfmpegError(result, "open encoder for", path);
  result = avcodec_parameters_from_context(stream->codecpar, encoder.get());
  if (result < 0) return FfmpegError(result, "copy encoder parameters for", path);
  stream->time_base = encoder->time_base;
  stream->avg_frame_rate = frame_rate;
  if (!variable_rate) stream->r_frame_rate = frame_rate;

  picture->format = plan.pixel_format;
  picture->width = width;
  picture->height = height;
  picture->colorspace = encoder->colorspace;
  picture->color_range = encoder->color_range;
  result = av_frame_get_buffer(picture.get(), 0);
  if (result < 0) return FfmpegError(result, "allocate frame for", path);

  if (!options.audio_source.empty()) {
    if (plan.is_sequence) {
      warnings.push_back(absl::StrCat("image sequence '", path,
                                      "' cannot hold audio; the audio of '", options.audio_source,
                                      "' was left out"));
    } else {
      std::string warning;
      absl::StatusOr<std::unique_ptr<AudioCopier>> copier =
          AudioCopier::Open(options.audio_source, format.get(), path, &warning);
      if (!copier.ok()) return copier.status();
      audio = *std::move(copier);
      if (!warning.empty()) warnings.push_back(std::move(warning));
    }
  }
  if (variable_rate && plan.is_sequence) {
    warnings.push_back(absl::StrCat("image sequence '", path, "' cannot hold timestamps"));
  }

  if (!(format->oformat->flags & AVFMT_NOFILE)) {
    ClearFfmpegLogMessage();
    result = avio_open(&format->pb, path.c_str(), AVIO_FLAG_WRITE);
    if (result < 0) return FfmpegError(result, "create", path);
  }
  ClearFfmpegLogMessage();
  result = avformat_write_header(format.get(), nullptr);
  if (result < 0) return FfmpegError(result, "write header of", path);
  header_written = true;
  return absl::OkStatus();
}

int64_t VideoWriter::Output::FrameDuration(int64_t index) const {
  const std::vector<double>& times = options.timestamps_seconds;
  if (times.empty()) return 1;
  const double seconds_per_tick = av_q2d(kVariableRateTimeBase);
  double seconds = 1.0 / av_q2d(frame_rate);
  if (index + 1 < static_cast<int64_t>(times.size())) {
    seconds = times[index + 1] - times[index];
  } else if (index > 0 && index < static_cast<int64_t>(times.size())) {
    seconds = times[index] - times[index - 1];
  }
  return std::max<int64_t>(1, std::llround(seconds / seconds_per_tick));
}

absl::Status VideoWriter::Output::Encode(AVFrame* input) {
  ClearFfmpegLogMessage();
  int result = avcodec_send_frame(encoder.get(), input);
  if (result < 0) return FfmpegError(result, "encode frame for", path);
  while (true) {
    ClearFfmpegLogMessage();
    result = avcodec_receive_packet(encoder.get(), packet.get());
    if (result == AVERROR(EAGAIN) || result == AVERROR_EOF) return absl::OkStatus();
    if (result < 0) return FfmpegError(result, "encode frame for", path);
    if (auto it = durations.find(packet->pts); it != durations.end()) {
      if (packet->duration <= 0) packet->duration = it->second;
      durations.erase(it);
    }
    av_packet_rescale_ts(packet.get(), encoder->time_base, stream->time_base);
    packet->stream_index = stream->index;
    const double seconds =
        packet->pts == AV_NOPTS_VALUE ? 0.0 : packet->pts * av_q2d(stream->time_base);
    video_end_seconds = std::max(
        video_end_seconds, seconds + std::max<int64_t>(packet->duration, 0) *
                                         av_q2d(stream->time_base));
    result = av_interleaved_write_frame(format.get(), packet.get());
    if (result < 0) return FfmpegError(result, "write packet to", path);
    if (audio) {
      if (absl::Status status = audio->CopyUntil(seconds); !status.ok()) return status;
    }
  }
}

VideoWriter::VideoWriter(std::unique_ptr<Output> output) : output_(std::move(output)) {}

VideoWriter::~VideoWriter() {
  if (output_ && !output_->closed) Close().IgnoreError();
}

absl::StatusOr<std::unique_ptr<VideoWriter>> VideoWriter::Open(const std::string& path, int width,
                                                               int height, int fps_num, int fps_den,
                                                               const WriterOptions& options) {
  InitFfmpegLogging();
  if (absl::Status status = CheckWriterArguments(path, width, height, fps_num, fps_den, options);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<OutputPlan> plan = PlanOutput(path, width, height);
  if (!plan.ok()) return plan.status();
  auto output = std::make_unique<Output>();
  output->path = path;
  output->width = width;
  output->height = height;
  output->frame_rate = av_make_q(fps_num, fps_den);
  output->options = options;
  output->plan = *plan;
  if (absl::Status status = output->Start(); !status.ok()) {
    output->closed = true;  // nothing worth finishing
    return status;
  }
  return std::unique_ptr<VideoWriter>(new VideoWriter(std::move(output)));
}

absl::Status VideoWriter::Write(const Frame& frame) {
  Output& out = *output_;
  if (out.closed) {
    return absl::FailedPreconditionError(absl::StrCat("write to '", out.path, "': already closed"));
  }
  if (!out.failure.ok()) return out.failure;
  if (frame.width != out.width || frame.height != out.height ||
      frame.rgb.size() != static_cast<size_t>(frame.width) * frame.height * 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "write to '", out.path, "': frame ", out.frames_written, " is ", frame.width, "x",
        frame.height, " with ", frame.rgb.size(), " bytes; expected ", out.width, "x", out.height,
        " RGB24 (", static_cast<size_t>(out.width) * out.height * 3, " bytes)"));
  }
  const std::vector<double>& times = out.options.timestamps_seconds;
  if (!times.empty() && out.frames_written >= static_cast<int64_t>(times.size())) {
    return absl::OutOfRangeError(absl::StrCat("write to '", out.path, "': frame ",
                                              out.frames_written, " has no timestamp (",
                                              times.size(), " were given)"));
  }
  int result = av_frame_make_writable(out.picture.get());
  if (result < 0) return out.failure = FfmpegError(result, "prepare frame for", out.path);
  if (absl::Status status =
          out.converter.FromPacked(frame.rgb.data(), AV_PIX_FMT_RGB24, out.picture.get());
      !status.ok()) {
    return out.failure = status;
  }
  const int64_t index = out.frames_written;
  out.picture->pts =
      times.empty() ? index : std::llround(times[index] / av_q2d(kVariableRateTimeBase));
  out.durations[out.picture->pts] = out.FrameDuration(index);
  if (absl::Status status = out.Encode(out.picture.get()); !status.ok()) {
    return out.failure = status;
  }
  ++out.frames_written;
  return absl::OkStatus();
}

void VideoWriter::EndAudioWithVideo() { output_->audio_to_video_end = true; }

absl::Status VideoWriter::Close() {
  Output& out = *output_;
  if (out.closed) return out.close_status;
  out.closed = true;
  absl::Status status = out.failure;
  if (status.ok()) status = out.Encode(nullptr);
  if (status.ok() && out.audio) {
    status = out.audio_to_video_end ? out.audio->CopyUntil(out.video_end_seconds)
                                    : out.audio->CopyRest();
  }
  if (out.header_written) {
    ClearFfmpegLogMessage();
    const int result = av_write_trailer(out.format.get());
    if (result < 0 && status.ok()) status = FfmpegError(result, "finish", out.path);
  }
  if (out.format && !(out.format->oformat->flags & AVFMT_NOFILE) && out.format->pb != nullptr) {
    const int result = avio_closep(&out.format->pb);
    if (result < 0 && status.ok()) status = FfmpegError(result, "close", out.path);
  }
  out.close_status = status;
  return status;
}

int64_t VideoWriter::frames_written() const { return output_->frames_written; }

const std::vector<std::string>& VideoWriter::warnings() const { return output_->warnings; }

}  // namespace vmm::media
