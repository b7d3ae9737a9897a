#include "media/video_reader.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "media/ffmpeg_handles.h"
#include "media/frame_pattern.h"
#include "media/pixel_converter.h"
#include "media/rotation.h"
#include "media/stream_decoder.h"

extern "C" {
#include <libavutil/rational.h>
}

namespace vmm::media {
namespace {

bool IsValidRate(AVRational rate) { return rate.num > 0 && rate.den > 0; }

// Reduces a rate to lowest terms that fit in int (e.g. 60000/2002 -> 30000/1001).
AVRational Reduced(AVRational rate) {
  int num = 0, den = 0;
  av_reduce(&num, &den, rate.num, rate.den, 1 << 30);
  return AVRational{num, den};
}

// True when the first packets' presentation times are not evenly spaced (beyond one tick of
// rounding), which containers with a nominal rate (Matroska's default duration) do not reveal.
bool HasUnevenFrameTimes(StreamDecoder* decoder) {
  constexpr int kPacketsToInspect = 32;
  constexpr int64_t kMaxBytesToInspect = 16 << 20;
  std::vector<int64_t> times = decoder->PeekPacketTimes(kPacketsToInspect, kMaxBytesToInspect);
  std::sort(times.begin(), times.end());
  std::vector<int64_t> steps;
  for (size_t i = 1; i < times.size(); ++i) steps.push_back(times[i] - times[i - 1]);
  if (steps.size() < 2) return false;
  std::vector<int64_t> sorted_steps = steps;
  std::nth_element(sorted_steps.begin(), sorted_steps.begin() + sorted_steps.size() / 2,
                   sorted_steps.end());
  const int64_t median = sorted_steps[sorted_steps.size() / 2];
  const double tolerance = std::max(1.0, 0.005 * static_cast<double>(median));
  for (int64_t step : steps) {
    if (std::abs(static_cast<double>(step - median)) > tolerance) return true;
  }
  return false;
}

// Fills a VideoInfo from what the demuxer knows and the first packets' times.
VideoInfo Describe(StreamDecoder* decoder_ptr, bool is_sequence, AVRational sequence_rate) {
  StreamDecoder& decoder = *decoder_ptr;
  const AVFormatContext& format = *decoder.format_context();
  const AVStream& stream = *decoder.stream();
  VideoInfo info;
  info.codec_name = avcodec_get_name(stream.codecpar->codec_id);
  info.rotation_degrees = StreamRotationDegrees(stream);
  const bool sideways = info.rotation_degrees == 90 || info.rotation_degrees == 270;
  info.width = sideways ? stream.codecpar->height : stream.codecpar->width;
  info.height = sideways ? stream.codecpar->width : stream.codecpar->height;

  AVRational rate{25, 1};
  if (is_sequence) {
    rate = sequence_rate;
  } else if (IsValidRate(stream.avg_frame_rate)) {
    rate = stream.avg_frame_rate;
  } else if (IsValidRate(stream.r_frame_rate)) {
    rate = stream.r_frame_rate;
  }
  rate = Reduced(rate);
  info.fps_num = rate.num;
  info.fps_den = rate.den;
  // Constant-rate files have equal nominal (r_frame_rate) and average rates; a difference of
  // more than 1% means the frame durations vary.
  if (!is_sequence && IsValidRate(stream.avg_frame_rate) && IsValidRate(stream.r_frame_rate)) {
    const double average = av_q2d(stream.avg_frame_rate);
    const double nominal = av_q2d(stream.r_frame_rate);
    info.variable_frame_rate = std::abs(average - nominal) > 0.01 * nominal;
  }
  if (!is_sequence && !info.variable_frame_rate) {
    info.variable_frame_rate = HasUnevenFrameTimes(decoder_ptr);
  }

  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    info.duration_seconds = stream.duration * av_q2d(stream.time_base);
  } else if (format.duration != AV_NOPTS_VALUE && format.duration > 0) {
    info.duration_seconds = static_cast<double>(format.duration) / AV_TIME_BASE;
  }
  if (stream.nb_frames > 0) {
    info.frame_count = stream.nb_frames;
  } else if (info.duration_seconds > 0) {
    info.frame_count = std::llround(info.duration_seconds * info.fps());
  }
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    if (format.streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) info.has_audio = true;
  }
  return info;
}

}  // namespace

// Per-stream decoding state, kept out of the public header.
struct VideoReader::DecodeState {
  FramePtr picture{av_frame_alloc()};
  int64_t next_index = 0;
  int64_t first_pts = AV_NOPTS_VALUE;  // presentation time of frame 0, in stream time base
  double previous_seconds = 0;
  int first_width = 0, first_height = 0;
};

bool IsCameraDevice(const std::string& path) {
  constexpr std::string_view kPrefix = "/dev/video";
  return path.size() > kPrefix.size() && path.compare(0, kPrefix.size(), kPrefix) == 0 &&
         std::all_of(path.begin() + kPrefix.size(), path.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

VideoReader::VideoReader() = default;
VideoReader::~VideoReader() = default;

absl::StatusOr<std::unique_ptr<VideoReader>> VideoReader::Open(const std::string& path) {
  return Open(path, ReaderOptions());
}

absl::StatusOr<std::unique_ptr<VideoReader>> VideoReader::Open(const std::string& path,
                                                               const ReaderOptions& options) {
  std::unique_ptr<VideoReader> reader(new VideoReader());
  reader->path_ = path;
  reader->is_sequence_ = IsFramePattern(path);
  const AVRational sequence_rate{options.sequence_fps_num, options.sequence_fps_den};
  StreamDecoderOptions decoder_options;
  decoder_options.use_threads = options.use_threads;
  if (reader->is_sequence_) {
    if (!IsValidRate(sequence_rate)) {
      return absl::InvalidArgumentError(
          absl::StrCat("open '", path, "': image-sequence frame rate ", options.sequence_fps_num,
                       "/", options.sequence_fps_den, " is not positive"));
    }
    decoder_options.format_name = "image2";
    decoder_options.frame_rate = absl::StrCat(sequence_rate.num, "/", sequence_rate.den);
  } else if (IsCameraDevice(path)) {
    decoder_options.format_name = "video4linux2";
    decoder_options.is_device = true;
  }
  absl::StatusOr<std::unique_ptr<StreamDecoder>> decoder =
      StreamDecoder::Open(path, decoder_options);
  if (!decoder.ok()) return decoder.status();
  reader->decoder_ = *std::move(decoder);
  reader->info_ = Describe(reader->decoder_.get(), reader->is_sequence_, sequence_rate);
  if (reader->info_.width <= 0 || reader->info_.height <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("open '", path, "': the video stream has no picture size"));
  }
  if (reader->info_.width > kMaxFrameSide || reader->info_.height > kMaxFrameSide) {
    return absl::InvalidArgumentError(
        absl::StrCat("open '", path, "': the picture is ", reader->info_.width, "x",
                     reader->info_.height, "; vmm reads frames of at most ", kMaxFrameSide,
                     " pixels a side (scale the video down first)"));
  }
  reader->converter_ = std::make_unique<PixelConverter>();
  reader->state_ = std::make_unique<DecodeState>();
  if (!reader->state_->picture) return absl::ResourceExhaustedError("av_frame_alloc failed");
  return reader;
}

absl::StatusOr<bool> VideoReader::Read(Frame* frame) {
  DecodeState& state = *state_;
  AVFrame* picture = state.picture.get();
  absl::StatusOr<bool> decoded = decoder_->Next(picture);
  if (!decoded.ok() || !*decoded) return decoded;

  const int64_t index = state.next_index++;
  const std::string source_file = decoder_->TakeSourceFile(picture->pts);
  if (index == 0) {
    state.first_width = picture->width;
    state.first_height = picture->height;
  } else if (picture->width != state.first_width || picture->height != state.first_height) {
    std::string which = absl::StrCat("frame ", index);
    if (!source_file.empty()) absl::StrAppend(&which, " ('", source_file, "')");
    return absl::InvalidArgumentError(
        absl::StrCat("read '", path_, "': ", which, " is ", picture->width, "x", picture->height,
                     " but the first frame is ", state.first_width, "x", state.first_height,
                     "; all frames of a video must have the same size"));
  }

  frame->width = picture->width;
  frame->height = picture->height;
  frame->index = index;
  if (absl::Status status = converter_->ToPacked(*picture, AV_PIX_FMT_RGB24, &frame->rgb);
      !status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat("read '", path_, "' frame ", index, ": ", status.message()));
  }
  RotateClockwise(info_.rotation_degrees, frame);

  const AVRational time_base = decoder_->stream()->time_base;
  const int64_t pts = picture->best_effort_timestamp;
  if (pts != AV_NOPTS_VALUE && state.first_pts == AV_NOPTS_VALUE) state.first_pts = pts;
  if (pts != AV_NOPTS_VALUE) {
    frame->timestamp_seconds = (pts - state.first_pts) * av_q2d(time_base);
  } else {
    // No time from the container: step by the nominal frame duration.
    frame->timestamp_seconds = index == 0 ? 0.0 : state.previous_seconds + 1.0 / info_.fps();
  }
  state.previous_seconds = frame->timestamp_seconds;
  return true;
}

}  // namespace vmm::media
