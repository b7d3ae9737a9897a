// Converts single raw frames, as live streams carry them, between a named pixel format and
// packed RGB24. Raw buffers are tightly packed: no row padding, planes one after another (for
// yuv420p: Y, then U and V at ceil(width/2) x ceil(height/2)). YUV uses BT.601 limited range,
// what cameras and FFmpeg assume for untagged video; "gray" is full range (0 black, 255 white).
// Stateless functions; thread-safe.
//
// Errors: INVALID_ARGUMENT for an unknown format name, a non-positive size or a buffer whose
// size is not what the format and size need (the message gives the expected size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/frame.h"

namespace vmm::media {

// Bytes one width x height frame takes in `pixel_format` (INVALID_ARGUMENT if unknown).
absl::StatusOr<size_t> RawFrameSize(int width, int height, const std::string& pixel_format);

// Converts one raw frame in `pixel_format` to RGB24 (alpha, if any, is dropped).
absl::StatusOr<Frame> RawToRgb(const uint8_t* data, size_t size, int width, int height,
                               const std::string& pixel_format);

// Converts an RGB24 frame to one raw frame in `pixel_format` (alpha, if any, set to 255).
absl::StatusOr<std::vector<uint8_t>> RgbToRaw(const Frame& frame, const std::string& pixel_format);

}  // namespace vmm::media
