// Reads and writes single still images: any format FFmpeg decodes (PNG, JPEG, BMP, WebP, TIFF,
// ...) comes back as packed RGB24, optionally with its alpha plane; PNG is written losslessly.
// Stateless functions, safe to call from any number of threads at once.
//
// Errors: NOT_FOUND for a missing file; INVALID_ARGUMENT for an empty, corrupt or non-image file
// or a malformed Frame; the message names the file and FFmpeg's reason.
//
//   absl::StatusOr<vmm::media::Frame> image = vmm::media::ReadImage("still.jpg");
//   if (!image.ok()) return image.status();
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/frame.h"

namespace vmm::media {

// Reads the first picture of `path` as RGB24 (alpha, if any, is dropped without blending).
absl::StatusOr<Frame> ReadImage(const std::string& path);

// Reads the first picture of `path` as RGB24 plus its alpha plane (width*height bytes; all 255
// where the image has no alpha channel).
absl::StatusOr<std::pair<Frame, std::vector<uint8_t>>> ReadImageWithAlpha(const std::string& path);

// Writes `frame` (RGB24, rgb.size() == width*height*3) to `path` as a lossless PNG, replacing
// any existing file.
absl::Status WriteImagePng(const std::string& path, const Frame& frame);

}  // namespace vmm::media
