#include "tests/integration/test_assets.h"

#include <torch/torch.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "engine/layers.h"
#include "engine/network.h"
#include "engine/weights_file.h"
#include "media/video_reader.h"
#include "media/video_writer.h"

namespace vmm::integration {

absl::Status MakeRandomModel(const std::string& path, uint64_t seed) {
  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, seed);
  engine::WeightsHeader header;
  header.description = "random weights for integration tests";
  return engine::SaveWeights(*net, header, path);
}

absl::Status MakeVideo(const std::string& path, int width, int height, int frames, int fps) {
  absl::StatusOr<std::unique_ptr<media::VideoWriter>> writer =
      media::VideoWriter::Open(path, width, height, fps, 1, {});
  if (!writer.ok()) return writer.status();
  media::Frame frame;
  frame.width = width;
  frame.height = height;
  for (int index = 0; index < frames; ++index) {
    frame.rgb.assign(static_cast<size_t>(width) * height * 3, 0);
    const double sway = 1.5 * std::sin(index * 0.7);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        uint8_t* pixel = &frame.rgb[(static_cast<size_t>(y) * width + x) * 3];
        const bool inside = std::abs(x - width / 2.0 - sway) < width / 5.0 &&
                            std::abs(y - height / 2.0) < height / 4.0;
        pixel[0] = static_cast<uint8_t>(inside ? 200 : (x * 255) / width);
        pixel[1] = static_cast<uint8_t>(inside ? ((x + y) % 8) * 20 : (y * 255) / height);
        pixel[2] = static_cast<uint8_t>(inside ? 50 : 120);
      }
    }
    if (absl::Status written = (*writer)->Write(frame); !written.ok()) return written;
  }
  return (*writer)->Close();
}

absl::StatusOr<std::vector<media::Frame>> ReadFrames(const std::string& path) {
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader = media::VideoReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::vector<media::Frame> frames;
  media::Frame frame;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    if (!more.ok()) return more.status();
    if (!*more) break;
    frames.push_back(frame);
  }
  return frames;
}

std::string CompareVideos(const std::string& a, const std::string& b) {
  absl::StatusOr<std::vector<media::Frame>> first = ReadFrames(a);
  if (!first.ok()) return first.status().ToString();
  absl::StatusOr<std::vector<media::Frame>> second = ReadFrames(b);
  if (!second.ok()) return second.status().ToString();
  if (first->size() != second->size()) {
    return absl::StrCat(a, " has ", first->size(), " frames, ", b, " has ", second->size());
  }
  for (size_t i = 0; i < first->size(); ++i) {
    if ((*first)[i].width != (*second)[i].width || (*first)[i].rgb != (*second)[i].rgb) {
      return absl::StrCat("frame ", i, " differs");
    }
  }
  return "";
}

}  // namespace vmm::integration
