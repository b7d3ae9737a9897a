// Time slices: a dot moving down one row per frame becomes a diagonal in a column's slice.
#include "analysis/time_slice.h"

#include <unistd.h>

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "media/video_writer.h"

namespace vmm::analysis {
namespace {

// A lossless video of `frames` 16x12 black frames with a white dot at (column 5, row t).
std::string MakeMovingDot(const std::string& name, int frames) {
  const std::string path =
      (std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name)).string();
  auto writer = media::VideoWriter::Open(path, 16, 12, 10, 1, {});
  EXPECT_TRUE(writer.ok()) << writer.status();
  for (int t = 0; t < frames; ++t) {
    media::Frame frame;
    frame.width = 16;
    frame.height = 12;
    frame.index = t;
    frame.rgb.assign(16 * 12 * 3, 0);
    for (int c = 0; c < 3; ++c) frame.rgb[(t * 16 + 5) * 3 + c] = 255;
    EXPECT_TRUE((*writer)->Write(frame).ok());
  }
  EXPECT_TRUE((*writer)->Close().ok());
  return path;
}

uint8_t Red(const media::Frame& image, int x, int y) { return image.rgb[(y * image.width + x) * 3]; }

TEST(TimeSliceTest, ColumnSliceOfAMovingDotIsADiagonal) {
  const std::string video = MakeMovingDot("vmm-slice-dot.mkv", 10);
  SliceSpec spec;
  spec.position = 5;
  absl::StatusOr<media::Frame> slice = TimeSlice(video, spec);
  ASSERT_TRUE(slice.ok()) << slice.status();
  EXPECT_EQ(slice->width, 10);   // one column per frame
  EXPECT_EQ(slice->height, 12);  // the whole column
  for (int t = 0; t < 10; ++t) {
    for (int y = 0; y < 12; ++y) EXPECT_EQ(Red(*slice, t, y) > 128, y == t) << t << "," << y;
  }
  // Part of the line and of the video: rows 2..5 of frames 3..6.
  spec.first = 2;
  spec.last = 5;
  spec.first_frame = 3;
  spec.max_frames = 4;
  slice = TimeSlice(video, spec);
  ASSERT_TRUE(slice.ok()) << slice.status();
  ASSERT_EQ(slice->width, 4);
  ASSERT_EQ(slice->height, 4);
  EXPECT_GT(Red(*slice, 0, 1), 128);  // frame 3, row 3
  EXPECT_GT(Red(*slice, 2, 3), 128);  // frame 5, row 5
  EXPECT_LT(Red(*slice, 3, 3), 128);  // frame 6: the dot is at row 6, outside the range
  // A row slice through row 4 sees the dot only in frame 4, at column 5.
  SliceSpec row;
  row.vertical = false;
  row.position = 4;
  slice = TimeSlice(video, row);
  ASSERT_TRUE(slice.ok());
  EXPECT_EQ(slice->height, 16);
  EXPECT_GT(Red(*slice, 4, 5), 128);
  EXPECT_LT(Red(*slice, 3, 5), 128);
}

TEST(TimeSliceTest, LinesOutsideTheFrameAndMissingFilesAreErrors) {
  const std::string video = MakeMovingDot("vmm-slice-bad.mkv", 3);
  SliceSpec spec;
  spec.position = 16;  // the frame is 16 wide
  EXPECT_EQ(TimeSlice(video, spec).status().code(), absl::StatusCode::kOutOfRange);
  spec.position = 0;
  spec.last = 12;  // 12 rows: 0..11
  EXPECT_EQ(TimeSlice(video, spec).status().code(), absl::StatusCode::kOutOfRange);
  spec.last = -1;
  spec.first_frame = 3;  // past the end
  EXPECT_EQ(TimeSlice(video, spec).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(TimeSlice("/nonexistent/video.mp4", SliceSpec{}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(TimeSliceTest, StackingPadsNarrowImagesWithWhite) {
  media::Frame a, b;
  a.width = 3;
  a.height = 2;
  a.rgb.assign(3 * 2 * 3, 0);
  b.width = 5;
  b.height = 1;
  b.rgb.assign(5 * 1 * 3, 0);
  const media::Frame stacked = StackVertically({a, b}, 4);
  EXPECT_EQ(stacked.width, 5);
  EXPECT_EQ(stacked.height, 2 + 4 + 1);
  EXPECT_EQ(Red(stacked, 0, 0), 0);    // a
  EXPECT_EQ(Red(stacked, 4, 0), 255);  // right of a: padding
  EXPECT_EQ(Red(stacked, 0, 3), 255);  // the gap
  EXPECT_EQ(Red(stacked, 4, 6), 0);    // b
}

// Ticks stand at whole steps of time (longer at powers of ten, with a label), counted from the
// first frame the slice shows, at a spacing that suits the frame rate.
TEST(TimeSliceTest, TheTimeAxisTicksAtAStepThatSuitsTheFrameRate) {
  media::Frame image;
  image.width = 130;  // frames 20..149 at 50 fps: 0.4 s to 2.98 s
  image.height = 3;
  image.rgb.assign(130 * 3 * 3, 128);
  const media::Frame axis = WithTimeAxis(image, 50, 20);
  ASSERT_EQ(axis.height, 3 + kTimeAxisHeight);
  EXPECT_EQ(Red(axis, 0, 0), 128);  // the slice is kept above
  const int top = 3;                // the strip's first row
  for (int x = 0; x < axis.width; ++x) {
    const int frame = x + 20;
    const bool tick = frame % 5 == 0;  // every 0.1 s at 50 fps
    EXPECT_EQ(Red(axis, x, top) == 0, tick) << "column " << x;
    EXPECT_EQ(Red(axis, x, top + 4) == 0, frame % 50 == 0) << "column " << x;  // whole seconds
  }
  // A label below the tick of 1 s (frame 50, column 30): some dark pixels of "1s".
  int dark = 0;
  for (int y = top + 6; y < top + 11; ++y) {
    for (int x = 32; x < 40; ++x) dark += Red(axis, x, y) == 0;
  }
  EXPECT_GT(dark, 5);
  // At 25 fps tenths would stand 2.5 px apart: ticks every 0.2 s (5 px), long ones every second.
  const media::Frame sparse = WithTimeAxis(image, 25, 0);
  for (int x = 0; x < sparse.width; ++x) {
    EXPECT_EQ(Red(sparse, x, top) == 0, x % 5 == 0) << x;
    EXPECT_EQ(Red(sparse, x, top + 4) == 0, x % 25 == 0) << x;
  }
  // A high-speed camera, 2000 fps: ticks every 2 ms (4 px), long ones every 10 ms (20 px).
  const media::Frame fast = WithTimeAxis(image, 2000, 0);
  for (int x = 0; x < fast.width; ++x) {
    EXPECT_EQ(Red(fast, x, top) == 0, x % 4 == 0) << x;
    EXPECT_EQ(Red(fast, x, top + 4) == 0, x % 20 == 0) << x;
  }
}

}  // namespace
}  // namespace vmm::analysis
