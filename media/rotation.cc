#include "media/rotation.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/display.h>
}

namespace vmm::media {
namespace {

// The stream's display matrix (nine int32 values), or nullptr when it has none.
const int32_t* DisplayMatrix(const AVStream& stream) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 31, 102)
  const AVPacketSideData* side_data =
      av_packet_side_data_get(stream.codecpar->coded_side_data, stream.codecpar->nb_coded_side_data,
                              AV_PKT_DATA_DISPLAYMATRIX);
  if (side_data == nullptr || side_data->size < 9 * sizeof(int32_t)) return nullptr;
  return reinterpret_cast<const int32_t*>(side_data->data);
#else
  size_t size = 0;
  const uint8_t* data = av_stream_get_side_data(&stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (data == nullptr || size < 9 * sizeof(int32_t)) return nullptr;
  return reinterpret_cast<const int32_t*>(data);
#endif
}

// Rounds any angle to the nearest of 0, 90, 180, 270.
int NormalizeRightAngle(double degrees) {
  long quarter_turns = std::lround(degrees / 90.0) % 4;
  if (quarter_turns < 0) quarter_turns += 4;
  return static_cast<int>(quarter_turns * 90);
}

}  // namespace

int StreamRotationDegrees(const AVStream& stream) {
  if (const int32_t* matrix = DisplayMatrix(stream); matrix != nullptr) {
    // av_display_rotation_get gives the counter-clockwise angle; players turn clockwise by its
    // negation (as the ffmpeg tool's autorotate does).
    const double counter_clockwise = av_display_rotation_get(matrix);
    if (!std::isnan(counter_clockwise)) return NormalizeRightAngle(-counter_clockwise);
  }
  if (const AVDictionaryEntry* tag = av_dict_get(stream.metadata, "rotate", nullptr, 0);
      tag != nullptr) {
    return NormalizeRightAngle(std::strtod(tag->value, nullptr));
  }
  return 0;
}

void RotateClockwise(int degrees, Frame* frame) {
  if (degrees != 90 && degrees != 180 && degrees != 270) return;
  const int width = frame->width;
  const int height = frame->height;
  std::vector<uint8_t> turned(frame->rgb.size());
  const int new_width = degrees == 180 ? width : height;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      int new_x = 0, new_y = 0;
      if (degrees == 90) {
        new_x = height - 1 - y;
        new_y = x;
      } else if (degrees == 180) {
        new_x = width - 1 - x;
        new_y = height - 1 - y;
      } else {
        new_x = y;
        new_y = width - 1 - x;
      }
      const uint8_t* from = &frame->rgb[(static_cast<size_t>(y) * width + x) * 3];
      uint8_t* to = &turned[(static_cast<size_t>(new_y) * new_width + new_x) * 3];
      to[0] = from[0];
      to[1] = from[1];
      to[2] = from[2];
    }
  }
  frame->rgb = std::move(turned);
  if (degrees != 180) std::swap(frame->width, frame->height);
}

}  // namespace vmm::media
