// The decoded frame type shared by every part of vmm_media: packed RGB24 pixels with the frame's
// position and presentation time. A plain value type; copy or move it freely between threads.
#pragma once

#include <cstdint>
#include <vector>

namespace vmm::media {

// A decoded frame: packed RGB24, row-major, stride width*3.
struct Frame {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;      // width*height*3 bytes
  int64_t index = 0;             // 0-based position in the stream
  double timestamp_seconds = 0;  // presentation time from the container (0-based)
};

}  // namespace vmm::media
