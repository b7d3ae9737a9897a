#include "analysis/time_slice.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "analysis/nice_numbers.h"
#include "media/video_reader.h"

namespace vmm::analysis {
namespace {

// Digits, "s" and "m" as 3x5 pixel glyphs, one row per entry, bit 2 the left pixel.
constexpr uint8_t kGlyphs[12][5] = {
    {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
    {0, 3, 6, 3, 6},  // "s"
    {0, 6, 7, 5, 5},  // "m"
};

void SetPixel(media::Frame& image, int x, int y, uint8_t value) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  uint8_t* pixel = &image.rgb[(static_cast<size_t>(y) * image.width + x) * 3];
  pixel[0] = pixel[1] = pixel[2] = value;
}

// Writes `text` (digits, "s" and "m") with its top-left corner at (x, y).
void DrawText(media::Frame& image, const std::string& text, int x, int y) {
  for (const char c : text) {
    const int glyph = c == 's' ? 10 : c == 'm' ? 11 : c - '0';
    if (glyph < 0 || glyph > 11) continue;
    for (int row = 0; row < 5; ++row) {
      for (int column = 0; column < 3; ++column) {
        if (kGlyphs[glyph][row] & (4 >> column)) SetPixel(image, x + column, y + row, 0);
      }
    }
    x += 4;
  }
}

}  // namespace

absl::StatusOr<media::Frame> TimeSlice(const std::string& path, const SliceSpec& spec,
                                       double* frames_per_second) {
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader = media::VideoReader::Open(path);
  if (!reader.ok()) return reader.status();
  const media::VideoInfo info = (*reader)->info();
  if (frames_per_second != nullptr) *frames_per_second = info.fps();
  const int across = spec.vertical ? info.width : info.height;  // where the line may lie
  const int along = spec.vertical ? info.height : info.width;   // the line's length
  const int last = spec.last < 0 ? along - 1 : spec.last;
  if (spec.position < 0 || spec.position >= across || spec.first < 0 || last >= along ||
      spec.first > last || spec.first_frame < 0) {
    return absl::OutOfRangeError(absl::StrCat(
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
    return absl::OutOfRangeError(
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

media::Frame WithTimeAxis(const media::Frame& image, double frames_per_second, int first_frame) {
  media::Frame out;
  out.width = image.width;
  out.height = image.height + kTimeAxisHeight;
  out.rgb.assign(static_cast<size_t>(out.width) * out.height * 3, 255);
  std::memcpy(out.rgb.data(), image.rgb.data(), image.rgb.size());
  // No axis for a rate that is unknown or too low for millisecond arithmetic to make sense.
  if (!(frames_per_second >= 1e-3) || !std::isfinite(frames_per_second)) return out;
  // The finest step of 1, 2 or 5 x 10^k milliseconds (at least 1 ms) whose ticks stand 4
  // pixels apart; long ticks at the power of ten above it.
  const double minor = std::max(1.0, NiceAtLeast(4000 / frames_per_second));
  const auto minor_ms = static_cast<int64_t>(std::llround(minor));
  const auto major_ms =
      static_cast<int64_t>(std::llround(10 * std::pow(10, std::floor(std::log10(minor)))));
  const double first_ms = first_frame * 1000 / frames_per_second;
  const double last_ms = (first_frame + image.width - 1) * 1000 / frames_per_second;
  int label_end = -1;  // the column after the last label drawn
  if (last_ms / minor_ms - first_ms / minor_ms > 2.0 * out.width + 2) return out;  // no step fits
  for (int64_t ms = static_cast<int64_t>(std::ceil(first_ms / minor_ms)) * minor_ms; ms <= last_ms;
       ms += minor_ms) {
    const bool major = ms % major_ms == 0;
    const int x = static_cast<int>(std::lround(ms * frames_per_second / 1000)) - first_frame;
    for (int y = 0; y < (major ? 5 : 2); ++y) SetPixel(out, x, image.height + y, 0);
    if (!major) continue;
    const std::string label =
        major_ms >= 1000 ? absl::StrCat(ms / 1000, "s") : absl::StrCat(ms, "ms");
    if (x + 2 <= label_end) continue;  // no room after the previous label
    DrawText(out, label, x + 2, image.height + 6);
    label_end = x + 2 + 4 * static_cast<int>(label.size());
  }
  return out;
}

}  // namespace vmm::analysis
