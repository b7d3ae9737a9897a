#include "train/eval/time_slice.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "media/video_reader.h"

namespace vmm::train::eval {

absl::StatusOr<media::Frame> TimeSlice(const std::string& path, const SliceSpec& spec) {
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader = media::VideoReader::Open(path);
  if (!reader.ok()) return reader.status();
  const media::VideoInfo info = (*reader)->info();
  const int across = spec.vertical ? info.width : info.height;  // where the line may lie
  const int along = spec.vertical ? info.height : info.width;   // the line's length
  const int last = spec.last < 0 ? along - 1 : spec.last;
  if (spec.position < 0 || spec.position >= across || spec.first < 0 || last >= along ||
      spec.first > last || spec.first_frame < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", path, "' is ", info.width, "x", info.height, ": ", spec.vertical ? "column " : "row ",
        spec.position, " pixels ", spec.first, "..", last, " from frame ", spec.first_frame,
        " do not lie in it"));
  }
  const int length = last - spec.first + 1;
  std::vector<std::vector<uint8_t>> lines;
  media::Frame frame;
  for (int index = 0; spec.max_frames < 0 || index < spec.first_frame + spec.max_frames; ++index) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (index < spec.first_frame) continue;
    std::vector<uint8_t> line(static_cast<size_t>(length) * 3);
    for (int i = 0; i < length; ++i) {
      const int x = spec.vertical ? spec.position : spec.first + i;
      const int y = spec.vertical ? spec.first + i : spec.position;
      std::memcpy(&line[static_cast<size_t>(i) * 3],
                  &frame.rgb[(static_cast<size_t>(y) * frame.width + x) * 3], 3);
    }
    lines.push_back(std::move(line));
  }
  if (lines.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' has no frames from frame ", spec.first_frame, " on"));
  }
  media::Frame slice;
  slice.width = static_cast<int>(lines.size());
  slice.height = length;
  slice.rgb.resize(static_cast<size_t>(slice.width) * slice.height * 3);
  for (int t = 0; t < slice.width; ++t) {
    for (int i = 0; i < length; ++i) {
      std::memcpy(&slice.rgb[(static_cast<size_t>(i) * slice.width + t) * 3], &lines[t][i * 3], 3);
    }
  }
  return slice;
}

media::Frame StackVertically(const std::vector<media::Frame>& images, int gap) {
  media::Frame stacked;
  for (const media::Frame& image : images) stacked.width = std::max(stacked.width, image.width);
  for (size_t i = 0; i < images.size(); ++i) {
    stacked.height += images[i].height + (i > 0 ? gap : 0);
  }
  stacked.rgb.assign(static_cast<size_t>(stacked.width) * stacked.height * 3, 255);
  int top = 0;
  for (const media::Frame& image : images) {
    for (int y = 0; y < image.height; ++y) {
      std::memcpy(&stacked.rgb[(static_cast<size_t>(top + y) * stacked.width) * 3],
                  &image.rgb[static_cast<size_t>(y) * image.width * 3],
                  static_cast<size_t>(image.width) * 3);
    }
    top += image.height + gap;
  }
  return stacked;
}

}  // namespace vmm::train::eval
