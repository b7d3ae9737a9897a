// Time slices of videos, the figures motion-magnification papers use to show motion: one line of
// pixels (a column, or a row) taken from every frame and laid side by side, time running left to
// right. Still content gives horizontal streaks; motion along the line bends them, so a
// magnified video's slice shows the motion its input's hides.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "media/frame.h"

namespace vmm::analysis {

// Which line of each frame, and which part of the video.
struct SliceSpec {
  bool vertical = true;       // true: column `position` (a y-t slice); false: row `position`
  int position = 0;           // column or row index
  int first = 0, last = -1;   // pixels of the line to keep, [first, last]; last -1: to the end
  int first_frame = 0;        // frames [first_frame, first_frame + max_frames)
  int max_frames = -1;        // -1: to the end
};

// The slice of the video at `path`: an image `frames` wide and as tall as the kept line; the
// video's frame rate in `*frames_per_second` when given. Fails with OUT_OF_RANGE when the line
// or the first frame lies outside the video, NOT_FOUND and the like when it cannot be read.
absl::StatusOr<media::Frame> TimeSlice(const std::string& path, const SliceSpec& spec,
                                       double* frames_per_second = nullptr);

// `images` one above the other with a white gap of `gap` rows; narrower ones padded with white.
media::Frame StackVertically(const std::vector<media::Frame>& images, int gap);

// The height of the strip WithTimeAxis adds, in pixels.
inline constexpr int kTimeAxisHeight = 16;

// `image` (time running left to right, one column per frame) with a white strip below it: ticks
// every 1, 2 or 5 x 10^k ms, the finest step at least 4 pixels apart, longer ones at the power
// of ten above it labelled ("1s", "10ms") where there is room. Column x is frame
// first_frame + x, captured at `frames_per_second` (> 0).
media::Frame WithTimeAxis(const media::Frame& image, double frames_per_second, int first_frame);

}  // namespace vmm::analysis
