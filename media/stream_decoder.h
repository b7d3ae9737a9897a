// Demuxes and decodes the best video stream of one input into AVFrames, in presentation order.
// Shared by VideoReader (files and image sequences) and image_io (single images).
//
// Errors: opening reports NOT_FOUND for a missing file and INVALID_ARGUMENT for an empty file,
// an unrecognised format or an input without a video stream. When reading or decoding fails part
// way (a truncated or corrupt file), Next() first returns every frame that could still be decoded
// and then the error (DATA_LOSS), instead of ending early as if the file were complete; when not a
// single frame decodes the error is INVALID_ARGUMENT.
// Not thread-safe: one caller at a time. Owns every libav object it creates.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/ffmpeg_handles.h"

namespace vmm::media {

// How to open the input.
struct StreamDecoderOptions {
  std::string format_name;  // demuxer to force ("image2", "video4linux2"); empty: probe the file
  bool is_device = false;   // `format_name` is an input device (camera): the path is no file
  std::string frame_rate;   // "num/den" for image sequences; empty: the demuxer's default
  bool use_threads = true;  // let the decoder use FFmpeg's frame/slice threads
};

// One open input with its video decoder.
class StreamDecoder {
 public:
  // Opens `path`, picks the best video stream and opens its decoder.
  static absl::StatusOr<std::unique_ptr<StreamDecoder>> Open(const std::string& path,
                                                             const StreamDecoderOptions& options);

  // Decodes the next frame into *frame (replacing its contents). Returns false at the end.
  absl::StatusOr<bool> Next(AVFrame* frame);

  // The demuxer's context, the chosen stream and the decoder (owned by this object).
  const AVFormatContext* format_context() const { return format_.get(); }
  const AVStream* stream() const { return stream_; }
  const AVCodecContext* codec_context() const { return codec_.get(); }
  const std::string& path() const { return path_; }

  // Reads ahead up to `max_packets` packets of the stream (or `max_bytes`), keeping them for
  // decoding, and returns their presentation times (stream time base, decode order).
  std::vector<int64_t> PeekPacketTimes(int max_packets, int64_t max_bytes);

  // For image sequences: the file the frame with presentation time `pts` came from ("" when
  // unknown). Forgets that frame's and all earlier frames' files.
  std::string TakeSourceFile(int64_t pts);

 private:
  StreamDecoder() = default;

  // Reads packets until one of our stream's is sent to the decoder, or the input ends.
  absl::Status FeedDecoder();
  // Reads the stream's next packet from the file; false at the end (*error set on failure).
  bool ReadOwnPacket(AVPacket* packet, absl::Status* error);
  // Remembers which file an image-sequence packet came from, for error messages.
  void RememberSourceFile(const AVPacket& packet);
  // Records the first mid-stream failure, reported after the last frame.
  void RecordFailure(absl::Status status);
  // The recorded failure as returned to the caller: DATA_LOSS after some frames decoded,
  // INVALID_ARGUMENT when none did (the input is not a decodable video).
  absl::Status ReportFailure() const;

  std::string path_;
  InputFormatContextPtr format_;
  CodecContextPtr codec_;
  PacketPtr packet_;
  AVStream* stream_ = nullptr;        // owned by format_
  bool draining_ = false;             // the decoder has been sent its flush packet
  int64_t frames_decoded_ = 0;        // frames returned by Next() so far
  absl::Status failure_;              // first read/decode failure, reported after the last frame
  std::deque<PacketPtr> prefetched_;  // read ahead by PeekPacketTimes, not yet decoded
  bool input_ended_ = false;          // the demuxer has no more packets
  absl::Status input_error_;          // why it ended, when not at the end of the file
  std::map<int64_t, std::string> source_files_;  // image sequences: packet pts -> file
};

}  // namespace vmm::media
