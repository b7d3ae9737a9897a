// Copies the first audio stream of a source file into an output being muxed, packet for packet
// (no re-encoding), with timestamps moved from the source's time base to the output's and shifted
// so the source's start lines up with the output's first video frame. Internal to VideoWriter.
//
// Usage: Open() before the output header is written (it adds the output stream), then
// CopyUntil() as video advances so the muxer can interleave, and CopyRest() before the trailer.
// Not thread-safe; owns its input context. The output context stays owned by the caller.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/ffmpeg_handles.h"

namespace vmm::media {

// One audio stream being copied from `source` into an output.
class AudioCopier {
 public:
  // Opens `source` and adds a stream for its audio to `output`. Returns nullptr with `*warning`
  // set when there is nothing to copy (no audio stream) or the output's container cannot hold
  // that codec. NOT_FOUND / INVALID_ARGUMENT when `source` is missing or unreadable.
  static absl::StatusOr<std::unique_ptr<AudioCopier>> Open(const std::string& source,
                                                           AVFormatContext* output,
                                                           const std::string& output_path,
                                                           std::string* warning);

  // Writes every source packet whose time is at most `seconds` (output time, from 0).
  absl::Status CopyUntil(double seconds);

  // Writes all remaining packets.
  absl::Status CopyRest();

 private:
  AudioCopier() = default;
  // Reads the next audio packet into pending_ (has_pending_ false at the end of the source).
  absl::Status ReadNext();

  std::string source_path_;
  std::string output_path_;
  InputFormatContextPtr input_;
  PacketPtr pending_;
  bool has_pending_ = false;
  bool finished_ = false;
  int input_index_ = -1;
  AVFormatContext* output_ = nullptr;  // not owned
  AVStream* output_stream_ = nullptr;  // owned by output_
  int64_t start_offset_ = 0;           // source start time, in the input stream's time base
};

}  // namespace vmm::media
