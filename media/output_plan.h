// Decides what VideoWriter produces for an output path (container, codec, pixel format) and
// validates the writer's arguments before anything is created. Internal to vmm_media; stateless
// and thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/video_writer.h"

extern "C" {
#include <libavcodec/codec_id.h>
#include <libavutil/pixfmt.h>
}

namespace vmm::media {

// What to produce for one output path.
struct OutputPlan {
  const char* muxer = nullptr;                   // FFmpeg muxer name, e.g. "mp4"
  AVCodecID codec = AV_CODEC_ID_NONE;            // video encoder
  AVPixelFormat pixel_format = AV_PIX_FMT_NONE;  // what the encoder is fed
  bool is_sequence = false;                      // one image file per frame
};

// The plan for `path` (by extension, or an image-sequence pattern): .mp4/.m4v/.mov H.264
// (yuv420p for even sizes, yuv444p for odd ones), .mkv/.avi FFV1 bgr0, "%d" patterns PNG rgb24.
// INVALID_ARGUMENT for any other extension.
absl::StatusOr<OutputPlan> PlanOutput(const std::string& path, int width, int height);

// INVALID_ARGUMENT, naming `path`, when the size, rate, CRF or timestamps are unusable.
absl::Status CheckWriterArguments(const std::string& path, int width, int height, int fps_num,
                                  int fps_den, const WriterOptions& options);

}  // namespace vmm::media
