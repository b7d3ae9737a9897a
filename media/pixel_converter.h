// Converts pictures between pixel formats with swscale, at the same size: decoded AVFrames to
// packed RGB24 / RGBA bytes, and packed RGB24 bytes into encoder AVFrames. Keeps one cached
// swscale context and rebuilds it when the input or output format changes. Uses full
// chroma interpolation; honours the frame's colour space (BT.601/709/2020) and
// range (limited/full). Not thread-safe: one per reader or writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "media/ffmpeg_handles.h"

extern "C" {
#include <libavutil/pixfmt.h>
}

namespace vmm::media {

// A cached swscale conversion between same-sized pictures.
class PixelConverter {
 public:
  // Converts `frame` into packed `output_format` bytes (AV_PIX_FMT_RGB24 or AV_PIX_FMT_RGBA),
  // tightly packed (stride width * bytes per pixel), into *pixels (resized).
  absl::Status ToPacked(const AVFrame& frame, AVPixelFormat output_format,
                        std::vector<uint8_t>* pixels);

  // Converts tightly packed `input_format` bytes into `frame`, whose format, size, colour space
  // and range are already set and whose buffers are allocated and writable.
  absl::Status FromPacked(const uint8_t* pixels, AVPixelFormat input_format, AVFrame* frame);

  // Converts a tightly packed buffer (planes one after another, no row padding) into *output,
  // resized to the tightly packed size of `output_format`. `colorspace` and `full_range` describe
  // the YUV side, if there is one.
  absl::Status Convert(const uint8_t* input, AVPixelFormat input_format,
                       std::vector<uint8_t>* output, AVPixelFormat output_format, int width,
                       int height, AVColorSpace colorspace, bool full_range);

 private:
  // Converts between planes given by pointers and strides.
  absl::Status Scale(const uint8_t* const input[4], const int input_strides[4],
                     AVPixelFormat input_format, uint8_t* const output[4],
                     const int output_strides[4], AVPixelFormat output_format, int width,
                     int height, AVColorSpace colorspace, bool full_range);
  // Points `context_` at a context for this conversion, rebuilding it only when needed.
  absl::Status Prepare(int width, int height, AVPixelFormat input_format,
                       AVPixelFormat output_format, AVColorSpace colorspace, bool full_range);

  SwsContextPtr context_;
  int width_ = 0, height_ = 0;
  AVPixelFormat input_format_ = AV_PIX_FMT_NONE;
  AVPixelFormat output_format_ = AV_PIX_FMT_NONE;
  AVColorSpace colorspace_ = AVCOL_SPC_UNSPECIFIED;
  bool full_range_ = false;
};

}  // namespace vmm::media
