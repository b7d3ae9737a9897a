#include "media/raw_frames.h"

#include "absl/strings/str_cat.h"
#include "media/ffmpeg_status.h"
#include "media/pixel_converter.h"
#include "media/video_info.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace vmm::media {
namespace {

// Looks up a pixel format that swscale can read and write, by FFmpeg's name.
absl::StatusOr<AVPixelFormat> FindPixelFormat(const std::string& name) {
  const AVPixelFormat format = av_get_pix_fmt(name.c_str());
  const AVPixFmtDescriptor* descriptor =
      format == AV_PIX_FMT_NONE ? nullptr : av_pix_fmt_desc_get(format);
  if (descriptor == nullptr || (descriptor->flags & AV_PIX_FMT_FLAG_HWACCEL) ||
      (descriptor->flags & AV_PIX_FMT_FLAG_BITSTREAM) || !sws_isSupportedInput(format) ||
      !sws_isSupportedOutput(format)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown or unsupported raw pixel format '", name,
                     "'; use rgb24, bgr24, gray, yuv420p, nv12, rgba or bgra"));
  }
  return format;
}

absl::Status CheckSize(int width, int height) {
  if (width <= 0 || height <= 0 || width > kMaxFrameSide || height > kMaxFrameSide) {
    return absl::InvalidArgumentError(
        absl::StrCat("raw frame size ", width, "x", height, " is outside 1..", kMaxFrameSide));
  }
  return absl::OkStatus();
}

size_t BufferSize(AVPixelFormat format, int width, int height) {
  return static_cast<size_t>(av_image_get_buffer_size(format, width, height, 1));
}

}  // namespace

absl::StatusOr<size_t> RawFrameSize(int width, int height, const std::string& pixel_format) {
  if (absl::Status status = CheckSize(width, height); !status.ok()) return status;
  absl::StatusOr<AVPixelFormat> format = FindPixelFormat(pixel_format);
  if (!format.ok()) return format.status();
  return BufferSize(*format, width, height);
}

absl::StatusOr<Frame> RawToRgb(const uint8_t* data, size_t size, int width, int height,
                               const std::string& pixel_format) {
  InitFfmpegLogging();
  if (absl::Status status = CheckSize(width, height); !status.ok()) return status;
  absl::StatusOr<AVPixelFormat> format = FindPixelFormat(pixel_format);
  if (!format.ok()) return format.status();
  const size_t expected = BufferSize(*format, width, height);
  if (data == nullptr || size != expected) {
    return absl::InvalidArgumentError(absl::StrCat("raw ", pixel_format, " frame of ", width, "x",
                                                   height, " needs ", expected, " bytes but has ",
                                                   data == nullptr ? 0 : size));
  }
  Frame frame;
  frame.width = width;
  frame.height = height;
  PixelConverter converter;
  if (absl::Status status = converter.Convert(data, *format, &frame.rgb, AV_PIX_FMT_RGB24, width,
                                              height, AVCOL_SPC_BT470BG, false);
      !status.ok()) {
    return status;
  }
  return frame;
}

absl::StatusOr<std::vector<uint8_t>> RgbToRaw(const Frame& frame, const std::string& pixel_format) {
  InitFfmpegLogging();
  if (absl::Status status = CheckSize(frame.width, frame.height); !status.ok()) return status;
  if (frame.rgb.size() != static_cast<size_t>(frame.width) * frame.height * 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("RGB frame of ", frame.width, "x", frame.height, " has ", frame.rgb.size(),
                     " bytes; expected ", static_cast<size_t>(frame.width) * frame.height * 3));
  }
  absl::StatusOr<AVPixelFormat> format = FindPixelFormat(pixel_format);
  if (!format.ok()) return format.status();
  std::vector<uint8_t> raw;
  PixelConverter converter;
  if (absl::Status status =
          converter.Convert(frame.rgb.data(), AV_PIX_FMT_RGB24, &raw, *format, frame.width,
                            frame.height, AVCOL_SPC_BT470BG, false);
      !status.ok()) {
    return status;
  }
  return raw;
}

}  // namespace vmm::media
