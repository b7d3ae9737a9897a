// Reads video frames in order as packed RGB24, upright (rotation metadata applied), each with its
// 0-based index and its presentation time from the container (so variable frame rate survives).
// Opens anything FFmpeg demuxes (mp4, mov, avi, mkv, webm, ...) and image sequences given as a
// printf-style pattern ("frames/%04d.png", first number 0..4, 30 fps unless given).
//
// Errors: Open returns NOT_FOUND for a missing file (or a pattern matching no file) and
// INVALID_ARGUMENT for an empty file, a file that is not a video, or one without a video stream.
// Read returns DATA_LOSS after the last good frame of a truncated or corrupt file, and
// INVALID_ARGUMENT for a frame whose size differs from the first (naming that frame's file in an
// image sequence). Messages name the path and FFmpeg's reason.
//
// Thread-safety: one reader per thread; distinct readers are independent. The decoder itself
// uses FFmpeg's frame threads. A reader owns all its libav objects.
//
//   auto reader = vmm::media::VideoReader::Open("in.mp4");
//   if (!reader.ok()) return reader.status();
//   vmm::media::Frame frame;
//   while (true) {
//     absl::StatusOr<bool> more = (*reader)->Read(&frame);
//     if (!more.ok()) return more.status();
//     if (!*more) break;
//     ...
//   }
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "media/frame.h"
#include "media/video_info.h"

namespace vmm::media {

class StreamDecoder;
class PixelConverter;

// Options for VideoReader::Open; the defaults suit every caller that has no reason to change them.
struct ReaderOptions {
  int sequence_fps_num = 30;  // frame rate given to image sequences (files have their own)
  int sequence_fps_den = 1;
  bool use_threads = true;  // let the decoder use FFmpeg's frame threads
};

// True for paths VideoReader opens as a V4L2 camera ("/dev/video0", "/dev/video12").
bool IsCameraDevice(const std::string& path);

// Decodes one video file, image sequence or camera, frame by frame.
class VideoReader {
 public:
  // Opens any file FFmpeg reads (mp4, mov, avi, mkv, ...), an image-sequence pattern such as
  // "frames/%04d.png" (detected by a printf-style %d in the path; fps 30 unless given), or a
  // V4L2 camera "/dev/videoN" (frames as the camera delivers them, count unknown).
  static absl::StatusOr<std::unique_ptr<VideoReader>> Open(const std::string& path);
  // As above, with options (for example the frame rate of an image sequence).
  static absl::StatusOr<std::unique_ptr<VideoReader>> Open(const std::string& path,
                                                           const ReaderOptions& options);

  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  // What the container says about the video.
  const VideoInfo& info() const { return info_; }

  // Decodes the next frame into *frame; returns false at the end of the stream.
  absl::StatusOr<bool> Read(Frame* frame);

 private:
  VideoReader();

  std::string path_;
  bool is_sequence_ = false;
  VideoInfo info_;
  std::unique_ptr<StreamDecoder> decoder_;
  std::unique_ptr<PixelConverter> converter_;
  struct DecodeState;
  std::unique_ptr<DecodeState> state_;
};

}  // namespace vmm::media
