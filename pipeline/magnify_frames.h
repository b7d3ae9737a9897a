// Live magnification, one frame at a time: raw frames of one size and pixel format in (as a
// camera or the Live API sends them), magnified raw frames of the same format out, in order. The
// live counterpart of MagnifyFile (file in, file out), beside it so that both paths convert and
// magnify the same way; the worker's live sessions add only the protocol around it.
//
// Thread-safety: one RawFrameMagnifier per stream, used by one thread at a time; the model may
// be shared (engine/network.h). Ownership: the magnifier keeps a handle on the model's network.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "engine/frame_magnifier.h"
#include "engine/model_loader.h"

namespace vmm::pipeline {

// Cumulative seconds of a RawFrameMagnifier's work.
struct RawFrameTimes {
  double decode = 0;            // raw to RGB
  double encode = 0;            // RGB to raw
  engine::StageTimes network;   // the engine's stages
};

// Magnifies a stream of raw frames.
class RawFrameMagnifier {
 public:
  // For `width` x `height` frames in `pixel_format` (media/raw_frames.h: rgb24, gray, yuv420p,
  // ...) magnified with `params` (checked for live use: causal filters, fs given or the live
  // default) by `model`. INVALID_ARGUMENT for bad parameters, sizes or formats.
  static absl::StatusOr<std::unique_ptr<RawFrameMagnifier>> Create(
      const engine::LoadedModel& model, const common::MagnifyParams& params, int width,
      int height, const std::string& pixel_format);

  // Magnifies one frame of `size` bytes; returns the frames now ready, oldest first (none while
  // a filter still fills up). INVALID_ARGUMENT when `size` is not one frame's.
  absl::StatusOr<std::vector<std::vector<uint8_t>>> Push(const uint8_t* data, size_t size);

  // The frames still held back, at the end of the stream.
  absl::StatusOr<std::vector<std::vector<uint8_t>>> Flush();

  // Time spent so far.
  RawFrameTimes times() const;

 private:
  RawFrameMagnifier(std::unique_ptr<engine::FrameMagnifier> magnifier, int width, int height,
                    std::string pixel_format);
  absl::StatusOr<std::vector<std::vector<uint8_t>>> ToRaw(const torch::Tensor& frames);

  std::unique_ptr<engine::FrameMagnifier> magnifier_;
  const int width_, height_;
  const std::string pixel_format_;
  double decode_seconds_ = 0, encode_seconds_ = 0;
};

}  // namespace vmm::pipeline
