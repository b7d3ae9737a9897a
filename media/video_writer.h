// Encodes RGB24 frames into a video file or image sequence, the format chosen by the path:
//   .mp4 .m4v .mov  H.264 (libx264), CRF quality, BT.709 limited range, tagged as such. Even
//                   sizes use yuv420p (plays everywhere); odd sizes use yuv444p (High 4:4:4
//                   profile), which keeps the exact size but which some players (browsers,
//                   phones) cannot play: choose even sizes for wide compatibility.
//   .mkv .avi       FFV1 (lossless, bgr0): decoding gives back the exact RGB bytes.
//   pattern with %d PNG per frame (lossless), e.g. "out/%04d.png", numbered from 1 like the
//                   ffmpeg tool (VideoReader finds sequences starting at 0..4).
// Frame rate, size and frame count are kept. With WriterOptions::timestamps_seconds each frame
// gets its own presentation time (variable frame rate). With WriterOptions::audio_source the
// first audio stream of that file is copied packet for packet (no re-encoding) into .mp4, .mov,
// .mkv and .avi outputs whose container accepts its codec; otherwise it is left out and
// warnings() says why.
//
// Thread-safety: one writer per thread. Ownership: the writer owns its libav objects and the
// output file; Close() finishes the file (the destructor closes too, ignoring errors).
//
//   auto writer = vmm::media::VideoWriter::Open("out.mp4", 640, 480, 30000, 1001, {});
//   if (!writer.ok()) return writer.status();
//   for (const Frame& frame : frames) RETURN_IF_ERROR((*writer)->Write(frame));
//   return (*writer)->Close();
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/frame.h"

namespace vmm::media {

// How to encode; the defaults give a visually lossless H.264 at constant frame rate.
struct WriterOptions {
  int crf = 18;                   // H.264 quality for .mp4/.mov (0 best .. 51 worst)
  std::string preset = "medium";  // libx264 speed/size trade-off ("ultrafast" .. "veryslow")
  std::string audio_source;       // if non-empty: copy this file's first audio stream, untouched
  std::vector<double> timestamps_seconds;  // optional: per-frame times (VFR); else constant fps
};

// OK when VideoWriter can write `path` with `options` (its extension or image-sequence pattern, the
// CRF), so that a caller can refuse a bad output before any work; INVALID_ARGUMENT naming `path`
// and what to use instead otherwise. Touches no file.
absl::Status CheckOutputPath(const std::string& path, const WriterOptions& options = {});

// Writes one output file (or image sequence).
class VideoWriter {
 public:
  // Creates `path` for width x height frames at fps_num/fps_den. INVALID_ARGUMENT for an
  // unsupported extension, a non-positive size or rate, a bad CRF or decreasing timestamps;
  // NOT_FOUND for a missing audio source or output directory.
  static absl::StatusOr<std::unique_ptr<VideoWriter>> Open(const std::string& path, int width,
                                                           int height, int fps_num, int fps_den,
                                                           const WriterOptions& options);
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // Encodes the next frame (RGB24 of the size given to Open; its index and timestamp fields are
  // ignored: times come from the options). FAILED_PRECONDITION after Close().
  absl::Status Write(const Frame& frame);

  // Flushes encoders, writes the trailer; must be called for a complete file. Idempotent.
  absl::Status Close();

  // Makes Close copy the audio only up to the end of the last frame written instead of to the
  // end of its source: for an output stopped before the end of its input.
  void EndAudioWithVideo();

  // Frames accepted by Write so far.
  int64_t frames_written() const;

  // Things the caller may want to tell the user, e.g. audio that could not be copied.
  const std::vector<std::string>& warnings() const;

 private:
  struct Output;
  explicit VideoWriter(std::unique_ptr<Output> output);
  std::unique_ptr<Output> output_;
};

}  // namespace vmm::media
