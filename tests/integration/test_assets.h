// Inputs the integration tests make for themselves: a weights file with random weights (so no
// test depends on training), small synthetic videos, and frame-by-frame comparison of outputs.
//
// Thread-safety: plain functions; each call works on its own files.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "media/frame.h"

namespace vmm::integration {

// Writes a weights file of the engine's network with truncated-normal random weights.
absl::Status MakeRandomModel(const std::string& path, uint64_t seed);

// Writes a video of `frames` frames, width x height, at `fps`: a textured square that sways a
// little (so magnification has something to do). The container follows the extension (.mkv is
// lossless FFV1, .mp4 H.264).
absl::Status MakeVideo(const std::string& path, int width, int height, int frames, int fps);

// Decodes every frame of `path`.
absl::StatusOr<std::vector<media::Frame>> ReadFrames(const std::string& path);

// Empty when both videos decode to the same frames; else what differs.
std::string CompareVideos(const std::string& a, const std::string& b);

}  // namespace vmm::integration
