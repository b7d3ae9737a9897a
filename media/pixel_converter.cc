#include "media/pixel_converter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace vmm::media {
namespace {

// Full-resolution chroma interpolation for quality. Not SWS_ACCURATE_RND / SWS_BITEXACT: they
// switch off the SIMD code and make 1080p YUV->RGB six times slower (25 vs. 150 frames/s) for
// at most one level of rounding. RGB<->RGB conversions stay exact either way.
constexpr int kScaleFlags = SWS_BICUBIC | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;

// Bytes beyond one spare row that ToPacked leaves for swscale's overruns.
constexpr int kOverrunMargin = 256;

// True for colour YUV formats, whose conversion depends on the colour space and range.
bool IsColorYuv(AVPixelFormat format) {
  const AVPixFmtDescriptor* descriptor = av_pix_fmt_desc_get(format);
  return descriptor != nullptr && !(descriptor->flags & AV_PIX_FMT_FLAG_RGB) &&
         !(descriptor->flags & AV_PIX_FMT_FLAG_PAL) && descriptor->nb_components >= 3;
}

// True for the deprecated full-range "yuvj" formats.
bool IsJpegRange(AVPixelFormat format) {
  return format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P ||
         format == AV_PIX_FMT_YUVJ444P || format == AV_PIX_FMT_YUVJ440P ||
         format == AV_PIX_FMT_YUVJ411P;
}

int SwsColorspace(AVColorSpace colorspace) {
  switch (colorspace) {
    case AVCOL_SPC_BT709:
      return SWS_CS_ITU709;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return SWS_CS_BT2020;
    case AVCOL_SPC_FCC:
      return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M:
      return SWS_CS_SMPTE240M;
    default:
      return SWS_CS_ITU601;
  }
}

}  // namespace

absl::Status PixelConverter::Prepare(int width, int height, AVPixelFormat input_format,
                                     AVPixelFormat output_format, AVColorSpace colorspace,
                                     bool full_range) {
  if (context_ && width == width_ && height == height_ && input_format == input_format_ &&
      output_format == output_format_ && colorspace == colorspace_ && full_range == full_range_) {
    return absl::OkStatus();
  }
  context_.reset(sws_getContext(width, height, input_format, width, height, output_format,
                                kScaleFlags, nullptr, nullptr, nullptr));
  if (!context_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot convert ", width, "x", height, " pictures from pixel format ",
        av_get_pix_fmt_name(input_format) ? av_get_pix_fmt_name(input_format) : "?", " to ",
        av_get_pix_fmt_name(output_format) ? av_get_pix_fmt_name(output_format) : "?"));
  }
  if (IsColorYuv(input_format) || IsColorYuv(output_format)) {
    const int* coefficients = sws_getCoefficients(SwsColorspace(colorspace));
    const int input_range = IsColorYuv(input_format) ? (full_range ? 1 : 0) : 1;
    const int output_range = IsColorYuv(output_format) ? (full_range ? 1 : 0) : 1;
    sws_setColorspaceDetails(context_.get(), coefficients, input_range, coefficients, output_range,
                             0, 1 << 16, 1 << 16);
  }
  width_ = width;
  height_ = height;
  input_format_ = input_format;
  output_format_ = output_format;
  colorspace_ = colorspace;
  full_range_ = full_range;
  return absl::OkStatus();
}

absl::Status PixelConverter::Scale(const uint8_t* const input[4], const int input_strides[4],
                                   AVPixelFormat input_format, uint8_t* const output[4],
                                   const int output_strides[4], AVPixelFormat output_format,
                                   int width, int height, AVColorSpace colorspace,
                                   bool full_range) {
  if (absl::Status status =
          Prepare(width, height, input_format, output_format, colorspace, full_range);
      !status.ok()) {
    return status;
  }
  const int rows =
      sws_scale(context_.get(), input, input_strides, 0, height, output, output_strides);
  if (rows != height) {
    return absl::InternalError(absl::StrCat("sws_scale converted ", rows, " of ", height, " rows"));
  }
  return absl::OkStatus();
}

absl::Status PixelConverter::ToPacked(const AVFrame& frame, AVPixelFormat output_format,
                                      std::vector<uint8_t>* pixels) {
  const auto input_format = static_cast<AVPixelFormat>(frame.format);
  const int size = av_image_get_buffer_size(output_format, frame.width, frame.height, 1);
  if (size < 0) return absl::InvalidArgumentError("bad output picture size");
  // swscale's SIMD writers may run past the end of a row; within the picture the next row
  // overwrites that, after the last row it would corrupt the heap. One spare row and a margin
  // take it, then the vector is cut back to the picture.
  const int row_bytes = av_image_get_linesize(output_format, frame.width, 0);
  pixels->resize(static_cast<size_t>(size) + std::max(row_bytes, 0) + kOverrunMargin);
  uint8_t* planes[4] = {nullptr};
  int strides[4] = {0};
  av_image_fill_arrays(planes, strides, pixels->data(), output_format, frame.width, frame.height,
                       1);
  const bool full_range = frame.color_range == AVCOL_RANGE_JPEG || IsJpegRange(input_format);
  const absl::Status status = Scale(frame.data, frame.linesize, input_format, planes, strides,
                                    output_format, frame.width, frame.height, frame.colorspace,
                                    full_range);
  pixels->resize(size);
  return status;
}

absl::Status PixelConverter::FromPacked(const uint8_t* pixels, AVPixelFormat input_format,
                                        AVFrame* frame) {
  const uint8_t* planes[4] = {nullptr};
  int strides[4] = {0};
  av_image_fill_arrays(const_cast<uint8_t**>(planes), strides, pixels, input_format, frame->width,
                       frame->height, 1);
  return Scale(planes, strides, input_format, frame->data, frame->linesize,
               static_cast<AVPixelFormat>(frame->format), frame->width, frame->height,
               frame->colorspace, frame->color_range == AVCOL_RANGE_JPEG);
}

absl::Status PixelConverter::Convert(const uint8_t* input, AVPixelFormat input_format,
                                     std::vector<uint8_t>* output, AVPixelFormat output_format,
                                     int width, int height, AVColorSpace colorspace,
                                     bool full_range) {
  const int size = av_image_get_buffer_size(output_format, width, height, 1);
  if (size < 0) return absl::InvalidArgumentError("bad output picture size");
  // Room for swscale's overruns past the last row, as in ToPacked.
  const int row_bytes = av_image_get_linesize(output_format, width, 0);
  output->resize(static_cast<size_t>(size) + std::max(row_bytes, 0) + kOverrunMargin);
  const uint8_t* input_planes[4] = {nullptr};
  int input_strides[4] = {0};
  av_image_fill_arrays(const_cast<uint8_t**>(input_planes), input_strides, input, input_format,
                       width, height, 1);
  uint8_t* output_planes[4] = {nullptr};
  int output_strides[4] = {0};
  av_image_fill_arrays(output_planes, output_strides, output->data(), output_format, width, height,
                       1);
  const absl::Status status = Scale(input_planes, input_strides, input_format, output_planes,
                                    output_strides, output_format, width, height, colorspace,
                                    full_range);
  output->resize(size);
  return status;
}

}  // namespace vmm::media
