#include "media/image_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "media/ffmpeg_handles.h"
#include "media/ffmpeg_status.h"
#include "media/pixel_converter.h"
#include "media/stream_decoder.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace vmm::media {
namespace {

// Decodes the first picture of `path` and converts it to RGB24, and to RGBA when `alpha` is
// given and the picture has an alpha channel.
absl::StatusOr<Frame> DecodeFirstPicture(const std::string& path, std::vector<uint8_t>* alpha) {
  StreamDecoderOptions options;
  options.use_threads = false;
  absl::StatusOr<std::unique_ptr<StreamDecoder>> decoder = StreamDecoder::Open(path, options);
  if (!decoder.ok()) return decoder.status();
  FramePtr picture(av_frame_alloc());
  if (!picture) return absl::ResourceExhaustedError("av_frame_alloc failed");
  absl::StatusOr<bool> got_picture = (*decoder)->Next(picture.get());
  if (!got_picture.ok()) return got_picture.status();
  if (!*got_picture) {
    return absl::InvalidArgumentError(
        absl::StrCat("read image '", path, "': no picture could be decoded"));
  }

  Frame frame;
  frame.width = picture->width;
  frame.height = picture->height;
  PixelConverter converter;
  const AVPixFmtDescriptor* descriptor =
      av_pix_fmt_desc_get(static_cast<AVPixelFormat>(picture->format));
  const bool has_alpha = descriptor != nullptr && (descriptor->flags & AV_PIX_FMT_FLAG_ALPHA);
  if (alpha == nullptr || !has_alpha) {
    if (absl::Status status = converter.ToPacked(*picture, AV_PIX_FMT_RGB24, &frame.rgb);
        !status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("read image '", path, "': ", status.message()));
    }
    if (alpha != nullptr) alpha->assign(static_cast<size_t>(frame.width) * frame.height, 255);
    return frame;
  }
  std::vector<uint8_t> rgba;
  if (absl::Status status = converter.ToPacked(*picture, AV_PIX_FMT_RGBA, &rgba); !status.ok()) {
    return absl::Status(status.code(), absl::StrCat("read image '", path, "': ", status.message()));
  }
  const size_t pixels = static_cast<size_t>(frame.width) * frame.height;
  frame.rgb.resize(pixels * 3);
  alpha->resize(pixels);
  for (size_t i = 0; i < pixels; ++i) {
    frame.rgb[3 * i] = rgba[4 * i];
    frame.rgb[3 * i + 1] = rgba[4 * i + 1];
    frame.rgb[3 * i + 2] = rgba[4 * i + 2];
    (*alpha)[i] = rgba[4 * i + 3];
  }
  return frame;
}

// Closes a stdio file on scope exit.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

absl::StatusOr<Frame> ReadImage(const std::string& path) {
  return DecodeFirstPicture(path, nullptr);
}

absl::StatusOr<std::pair<Frame, std::vector<uint8_t>>> ReadImageWithAlpha(const std::string& path) {
  std::vector<uint8_t> alpha;
  absl::StatusOr<Frame> frame = DecodeFirstPicture(path, &alpha);
  if (!frame.ok()) return frame.status();
  return std::make_pair(*std::move(frame), std::move(alpha));
}

absl::Status WriteImagePng(const std::string& path, const Frame& frame) {
  InitFfmpegLogging();
  ClearFfmpegLogMessage();
  if (frame.width <= 0 || frame.height <= 0 ||
      frame.rgb.size() != static_cast<size_t>(frame.width) * frame.height * 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("write image '", path, "': frame is ", frame.width, "x", frame.height,
                     " with ", frame.rgb.size(), " bytes; expected width*height*3 RGB24 bytes"));
  }
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (codec == nullptr) return absl::InternalError("FFmpeg lacks the PNG encoder");
  CodecContextPtr encoder(avcodec_alloc_context3(codec));
  FramePtr picture(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (!encoder || !picture || !packet) return absl::ResourceExhaustedError("out of memory");
  encoder->width = frame.width;
  encoder->height = frame.height;
  encoder->pix_fmt = AV_PIX_FMT_RGB24;
  encoder->time_base = AVRational{1, 1};
  int result = avcodec_open2(encoder.get(), codec, nullptr);
  if (result < 0) return FfmpegError(result, "open PNG encoder for", path);

  picture->format = AV_PIX_FMT_RGB24;
  picture->width = frame.width;
  picture->height = frame.height;
  result = av_frame_get_buffer(picture.get(), 0);
  if (result < 0) return FfmpegError(result, "allocate picture for", path);
  for (int row = 0; row < frame.height; ++row) {
    std::copy_n(frame.rgb.data() + static_cast<size_t>(row) * frame.width * 3,
                static_cast<size_t>(frame.width) * 3,
                picture->data[0] + row * picture->linesize[0]);
  }
  picture->pts = 0;
  result = avcodec_send_frame(encoder.get(), picture.get());
  if (result < 0) return FfmpegError(result, "encode PNG", path);
  result = avcodec_send_frame(encoder.get(), nullptr);
  if (result < 0) return FfmpegError(result, "flush PNG encoder for", path);
  result = avcodec_receive_packet(encoder.get(), packet.get());
  if (result < 0) return FfmpegError(result, "encode PNG", path);

  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return FfmpegError(AVERROR(errno), "create", path);
  if (std::fwrite(packet->data, 1, packet->size, file.get()) != static_cast<size_t>(packet->size)) {
    return FfmpegError(AVERROR(errno), "write", path);
  }
  if (std::fclose(file.release()) != 0) return FfmpegError(AVERROR(errno), "close", path);
  return absl::OkStatus();
}

}  // namespace vmm::media
