// Owning handles for libav objects: one named deleter per libav type, each calling that type's
// own free function, and a std::unique_ptr alias per type. Input and output format contexts have
// separate handles because they are freed differently (avformat_close_input vs. closing the AVIO
// context and avformat_free_context). Internal to vmm_media; not thread-safe beyond what the
// wrapped objects are (each handle is owned by one reader or writer).
#pragma once

#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace vmm::media {

// Closes an input opened with avformat_open_input.
struct InputFormatContextDeleter {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};

// Closes the output file (if the muxer needed one) and frees an output format context.
struct OutputFormatContextDeleter {
  void operator()(AVFormatContext* context) const {
    if (context == nullptr) return;
    if (context->oformat != nullptr && !(context->oformat->flags & AVFMT_NOFILE)) {
      avio_closep(&context->pb);
    }
    avformat_free_context(context);
  }
};

// Frees a codec context (decoder or encoder).
struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};

// Frees a frame and its buffers.
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};

// Frees a packet and its buffer.
struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};

// Frees a swscale context.
struct SwsContextDeleter {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};

using InputFormatContextPtr = std::unique_ptr<AVFormatContext, InputFormatContextDeleter>;
using OutputFormatContextPtr = std::unique_ptr<AVFormatContext, OutputFormatContextDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;

}  // namespace vmm::media
