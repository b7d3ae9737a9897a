#include "media/audio_copier.h"

#include "absl/strings/str_cat.h"
#include "media/ffmpeg_status.h"

extern "C" {
#include <libavutil/avutil.h>
#include <libavutil/mathematics.h>
}

namespace vmm::media {

absl::StatusOr<std::unique_ptr<AudioCopier>> AudioCopier::Open(const std::string& source,
                                                               AVFormatContext* output,
                                                               const std::string& output_path,
                                                               std::string* warning) {
  std::unique_ptr<AudioCopier> copier(new AudioCopier());
  copier->source_path_ = source;
  copier->output_path_ = output_path;
  copier->output_ = output;
  AVFormatContext* raw_input = nullptr;
  ClearFfmpegLogMessage();
  int result = avformat_open_input(&raw_input, source.c_str(), nullptr, nullptr);
  if (result < 0) return FfmpegError(result, "open audio source", source);
  copier->input_.reset(raw_input);
  result = avformat_find_stream_info(copier->input_.get(), nullptr);
  if (result < 0) return FfmpegError(result, "read stream info of audio source", source);

  result = av_find_best_stream(copier->input_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (result < 0) {
    *warning = absl::StrCat("audio source '", source, "' has no audio stream; '", output_path,
                            "' has no audio");
    return nullptr;
  }
  copier->input_index_ = result;
  AVStream* input_stream = copier->input_->streams[result];
  const AVCodecID codec_id = input_stream->codecpar->codec_id;
  if (avformat_query_codec(output->oformat, codec_id, FF_COMPLIANCE_NORMAL) != 1) {
    *warning = absl::StrCat("the ", output->oformat->name, " container of '", output_path,
                            "' cannot hold ", avcodec_get_name(codec_id), " audio; the audio of '",
                            source, "' was left out");
    return nullptr;
  }
  for (unsigned i = 0; i < copier->input_->nb_streams; ++i) {
    if (static_cast<int>(i) != result) copier->input_->streams[i]->discard = AVDISCARD_ALL;
  }

  copier->output_stream_ = avformat_new_stream(output, nullptr);
  if (copier->output_stream_ == nullptr) return absl::ResourceExhaustedError("out of memory");
  result = avcodec_parameters_copy(copier->output_stream_->codecpar, input_stream->codecpar);
  if (result < 0) return FfmpegError(result, "copy audio parameters from", source);
  copier->output_stream_->codecpar->codec_tag = 0;  // let the output container pick its tag
  copier->output_stream_->time_base = input_stream->time_base;

  // The output's frame 0 is the source video's first frame (what VideoReader calls time 0), so
  // audio keeps its offset from the video; without video the source's own start is the origin.
  const int video_index =
      av_find_best_stream(copier->input_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const AVStream* video = video_index >= 0 ? copier->input_->streams[video_index] : nullptr;
  if (video != nullptr && video->start_time != AV_NOPTS_VALUE) {
    copier->start_offset_ =
        av_rescale_q(video->start_time, video->time_base, input_stream->time_base);
  } else if (copier->input_->start_time != AV_NOPTS_VALUE) {
    copier->start_offset_ =
        av_rescale_q(copier->input_->start_time, AV_TIME_BASE_Q, input_stream->time_base);
  }
  copier->pending_.reset(av_packet_alloc());
  if (!copier->pending_) return absl::ResourceExhaustedError("out of memory");
  return copier;
}

absl::Status AudioCopier::ReadNext() {
  while (!finished_) {
    av_packet_unref(pending_.get());
    ClearFfmpegLogMessage();
    const int result = av_read_frame(input_.get(), pending_.get());
    if (result == AVERROR_EOF) {
      finished_ = true;
      break;
    }
    if (result < 0) return FfmpegError(result, "read audio packet from", source_path_);
    if (pending_->stream_index != input_index_) continue;
    has_pending_ = true;
    return absl::OkStatus();
  }
  has_pending_ = false;
  return absl::OkStatus();
}

absl::Status AudioCopier::CopyUntil(double seconds) {
  const AVRational input_time_base = input_->streams[input_index_]->time_base;
  while (true) {
    if (!has_pending_) {
      if (absl::Status status = ReadNext(); !status.ok()) return status;
      if (!has_pending_) return absl::OkStatus();
    }
    AVPacket* packet = pending_.get();
    const int64_t time = packet->dts != AV_NOPTS_VALUE ? packet->dts : packet->pts;
    if (time != AV_NOPTS_VALUE && (time - start_offset_) * av_q2d(input_time_base) > seconds) {
      return absl::OkStatus();
    }
    if (packet->pts != AV_NOPTS_VALUE) packet->pts -= start_offset_;
    if (packet->dts != AV_NOPTS_VALUE) packet->dts -= start_offset_;
    av_packet_rescale_ts(packet, input_time_base, output_stream_->time_base);
    packet->stream_index = output_stream_->index;
    packet->pos = -1;
    has_pending_ = false;
    ClearFfmpegLogMessage();
    const int result = av_interleaved_write_frame(output_, packet);  // takes the packet's data
    if (result < 0) return FfmpegError(result, "write audio packet to", output_path_);
  }
}

absl::Status AudioCopier::CopyRest() { return CopyUntil(1e300); }

}  // namespace vmm::media
