// What a container says about a video, as reported by VideoReader::info(). A plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace vmm::media {

// The largest frame side vmm reads, writes or takes raw, in pixels: a bigger picture is refused
// when it is opened, with a message saying so, instead of exhausting memory later.
inline constexpr int kMaxFrameSide = 16384;

// What the container says about a video.
struct VideoInfo {
  int width = 0, height = 0;     // display size after rotation metadata is applied
  int fps_num = 0, fps_den = 1;  // average frame rate (fallback r_frame_rate; 25/1 if none)
  // The frame rate as a number (fps_num / fps_den; 0 when fps_den is 0).
  double fps() const { return fps_den == 0 ? 0.0 : static_cast<double>(fps_num) / fps_den; }
  int64_t frame_count = -1;      // -1 when unknown; estimated from duration x fps for
                                 // containers that do not store it (mkv, webm)
  double duration_seconds = -1;  // -1 when unknown
  bool has_audio = false;        // the input has at least one audio stream
  int rotation_degrees = 0;      // clockwise rotation applied to decoded pictures to make them
                                 // upright, from the display matrix / rotate tag: 0, 90, 180, 270
  bool variable_frame_rate = false;  // nominal and average rates disagree, or the first
                                     // frames' times are unevenly spaced
  std::string codec_name;            // FFmpeg's short name of the video codec, e.g. "h264"
};

}  // namespace vmm::media
