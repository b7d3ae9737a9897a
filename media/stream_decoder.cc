#include "media/stream_decoder.h"

#include <sys/stat.h>

#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "media/ffmpeg_status.h"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/dict.h>
}

namespace vmm::media {
namespace {

// Checks that `path` names a non-empty regular file, so the common mistakes get precise errors.
absl::Status CheckRegularFile(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("open '", path, "': no such file"));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("open '", path, "': not a regular file"));
  }
  if (info.st_size == 0) {
    return absl::InvalidArgumentError(absl::StrCat("open '", path, "': the file is empty"));
  }
  return absl::OkStatus();
}

// A failed open of a regular file FFmpeg cannot parse (not a video, truncated, a picture size it
// refuses), said as such with what to check and FFmpeg's reason; permissions and memory as
// FfmpegError words them.
absl::Status UnreadableFile(int error_code, const char* operation, const std::string& path) {
  absl::Status status = FfmpegError(error_code, operation, path);
  if (status.code() == absl::StatusCode::kPermissionDenied ||
      status.code() == absl::StatusCode::kResourceExhausted) {
    return status;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("open '", path,
                   "': the file cannot be read as a video (is it a video, and complete?); FFmpeg: ",
                   FfmpegReason(error_code)));
}

// Frees a dictionary of options on scope exit.
struct DictionaryGuard {
  AVDictionary* dictionary = nullptr;
  ~DictionaryGuard() { av_dict_free(&dictionary); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<StreamDecoder>> StreamDecoder::Open(
    const std::string& path, const StreamDecoderOptions& options) {
  InitFfmpegLogging();
  ClearFfmpegLogMessage();
  const bool is_image_sequence = options.format_name == "image2";
  if (options.is_device) {
    static std::once_flag devices_registered;
    std::call_once(devices_registered, [] { avdevice_register_all(); });
  } else if (!is_image_sequence) {
    if (absl::Status status = CheckRegularFile(path); !status.ok()) return status;
  }

  std::unique_ptr<StreamDecoder> decoder(new StreamDecoder());
  decoder->path_ = path;

  const AVInputFormat* input_format = nullptr;
  if (!options.format_name.empty()) {
    input_format = av_find_input_format(options.format_name.c_str());
    if (input_format == nullptr) {
      return absl::InternalError(
          absl::StrCat("open '", path, "': FFmpeg lacks the demuxer ", options.format_name));
    }
  }
  DictionaryGuard format_options;
  if (!options.frame_rate.empty()) {
    av_dict_set(&format_options.dictionary, "framerate", options.frame_rate.c_str(), 0);
  }
  if (is_image_sequence) {
    // Lets each decoded frame carry the file it came from, for error messages.
    av_dict_set(&format_options.dictionary, "export_path_metadata", "1", 0);
  }
  AVFormatContext* raw_format = nullptr;
  int result =
      avformat_open_input(&raw_format, path.c_str(), input_format, &format_options.dictionary);
  const bool is_file = !options.is_device && !is_image_sequence;
  if (result < 0 && is_file) return UnreadableFile(result, "open input", path);
  if (result < 0) return FfmpegError(result, "open input", path);
  decoder->format_.reset(raw_format);

  result = avformat_find_stream_info(decoder->format_.get(), nullptr);
  if (result < 0 && is_file) return UnreadableFile(result, "read stream info of", path);
  if (result < 0) return FfmpegError(result, "read stream info of", path);

  const AVCodec* codec = nullptr;
  result = av_find_best_stream(decoder->format_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (result == AVERROR_STREAM_NOT_FOUND) {
    return absl::InvalidArgumentError(
        absl::StrCat("open '", path, "': not a video or image (no video stream found)"));
  }
  if (result == AVERROR_DECODER_NOT_FOUND || codec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("open '", path, "': no decoder for its video codec"));
  }
  if (result < 0) return FfmpegError(result, "find video stream in", path);
  decoder->stream_ = decoder->format_->streams[result];
  // Only our stream's packets are needed.
  for (unsigned i = 0; i < decoder->format_->nb_streams; ++i) {
    if (static_cast<int>(i) != result) decoder->format_->streams[i]->discard = AVDISCARD_ALL;
  }

  decoder->codec_.reset(avcodec_alloc_context3(codec));
  if (!decoder->codec_) return absl::ResourceExhaustedError("avcodec_alloc_context3 failed");
  result = avcodec_parameters_to_context(decoder->codec_.get(), decoder->stream_->codecpar);
  if (result < 0) return FfmpegError(result, "copy codec parameters of", path);
  decoder->codec_->pkt_timebase = decoder->stream_->time_base;
  if (options.use_threads) {
    // Frame threading is safe with the send/receive API; it only delays output by a few frames.
    const unsigned cores = std::thread::hardware_concurrency();
    decoder->codec_->thread_count = static_cast<int>(cores == 0 ? 1 : std::min(cores, 16u));
    decoder->codec_->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  } else {
    decoder->codec_->thread_count = 1;
  }
  result = avcodec_open2(decoder->codec_.get(), codec, nullptr);
  if (result < 0) return FfmpegError(result, "open decoder for", path);

  decoder->packet_.reset(av_packet_alloc());
  if (!decoder->packet_) return absl::ResourceExhaustedError("av_packet_alloc failed");
  return decoder;
}

void StreamDecoder::RecordFailure(absl::Status status) {
  if (failure_.ok()) failure_ = std::move(status);
}

void StreamDecoder::RememberSourceFile(const AVPacket& packet) {
  size_t size = 0;
  const uint8_t* data = av_packet_get_side_data(&packet, AV_PKT_DATA_STRINGS_METADATA, &size);
  if (data == nullptr || packet.pts == AV_NOPTS_VALUE) return;
  DictionaryGuard metadata;
  if (av_packet_unpack_dictionary(data, size, &metadata.dictionary) < 0) return;
  if (const AVDictionaryEntry* entry =
          av_dict_get(metadata.dictionary, "lavf.image2dec.source_path", nullptr, 0);
      entry != nullptr) {
    source_files_[packet.pts] = entry->value;
  }
}

std::string StreamDecoder::TakeSourceFile(int64_t pts) {
  std::string file;
  if (auto it = source_files_.find(pts); it != source_files_.end()) file = it->second;
  source_files_.erase(source_files_.begin(), source_files_.upper_bound(pts));
  return file;
}

absl::Status StreamDecoder::ReportFailure() const {
  if (frames_decoded_ == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(failure_.message(), "; not a valid video or image"));
  }
  return absl::DataLossError(absl::StrCat(failure_.message(),
                                          "; the file is truncated or corrupt (", frames_decoded_,
                                          " frames decoded before the error)"));
}

bool StreamDecoder::ReadOwnPacket(AVPacket* packet, absl::Status* error) {
  while (true) {
    ClearFfmpegLogMessage();
    const int result = av_read_frame(format_.get(), packet);
    if (result < 0) {
      if (result != AVERROR_EOF) *error = FfmpegError(result, "read packet from", path_);
      return false;
    }
    if (packet->stream_index == stream_->index) {
      RememberSourceFile(*packet);
      return true;
    }
    av_packet_unref(packet);
  }
}

std::vector<int64_t> StreamDecoder::PeekPacketTimes(int max_packets, int64_t max_bytes) {
  int64_t bytes = 0;
  while (!input_ended_ && static_cast<int>(prefetched_.size()) < max_packets && bytes < max_bytes) {
    PacketPtr packet(av_packet_alloc());
    if (!packet) break;
    if (!ReadOwnPacket(packet.get(), &input_error_)) {
      input_ended_ = true;
      break;
    }
    bytes += packet->size;
    prefetched_.push_back(std::move(packet));
  }
  std::vector<int64_t> times;
  for (const PacketPtr& packet : prefetched_) {
    if (packet->pts != AV_NOPTS_VALUE) times.push_back(packet->pts);
  }
  return times;
}

absl::Status StreamDecoder::FeedDecoder() {
  while (true) {
    bool have_packet = false;
    if (!prefetched_.empty()) {
      av_packet_move_ref(packet_.get(), prefetched_.front().get());
      prefetched_.pop_front();
      have_packet = true;
    } else if (!input_ended_) {
      have_packet = ReadOwnPacket(packet_.get(), &input_error_);
      input_ended_ = !have_packet;
    }
    if (!have_packet) {
      if (!input_error_.ok()) RecordFailure(input_error_);
      draining_ = true;
      // A threaded decoder may report an earlier packet's failure here instead of flushing;
      // record it and ask again so the frames still inside come out.
      for (int attempt = 0; attempt < 2; ++attempt) {
        ClearFfmpegLogMessage();
        const int result = avcodec_send_packet(codec_.get(), nullptr);
        if (result >= 0 || result == AVERROR_EOF) break;
        RecordFailure(FfmpegError(result, "flush decoder of", path_));
      }
      return absl::OkStatus();
    }
    ClearFfmpegLogMessage();
    const int result = avcodec_send_packet(codec_.get(), packet_.get());
    av_packet_unref(packet_.get());
    // EAGAIN cannot happen here: Next() drains every frame before feeding more.
    if (result < 0) {
      RecordFailure(FfmpegError(result, "decode packet of", path_));
      continue;  // Keep decoding what still decodes.
    }
    return absl::OkStatus();
  }
}

absl::StatusOr<bool> StreamDecoder::Next(AVFrame* frame) {
  while (true) {
    ClearFfmpegLogMessage();
    const int result = avcodec_receive_frame(codec_.get(), frame);
    if (result >= 0) {
      ++frames_decoded_;
      return true;
    }
    if (result == AVERROR_EOF) {
      if (!failure_.ok()) return ReportFailure();
      return false;
    }
    if (result != AVERROR(EAGAIN)) {
      RecordFailure(FfmpegError(result, "decode frame of", path_));
      if (draining_) return ReportFailure();
      continue;
    }
    if (draining_) {
      // A drained decoder that still asks for input has nothing more to give.
      if (!failure_.ok()) return ReportFailure();
      return false;
    }
    if (absl::Status status = FeedDecoder(); !status.ok()) return status;
  }
}

}  // namespace vmm::media
