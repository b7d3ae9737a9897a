#include "media/frame_pattern.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "media/rotation.h"
#include "tests/media/test_util.h"

namespace vmm::media {
namespace {

TEST(FramePatternTest, RecognisesPrintfFrameNumbers) {
  EXPECT_TRUE(IsFramePattern("frames/%04d.png"));
  EXPECT_TRUE(IsFramePattern("out/img%d.jpg"));
  EXPECT_TRUE(IsFramePattern("100%%/%3d.png"));
  EXPECT_FALSE(IsFramePattern("video.mp4"));
  EXPECT_FALSE(IsFramePattern("100%.mp4"));
  EXPECT_FALSE(IsFramePattern("a%s.png"));
  EXPECT_FALSE(IsFramePattern("%d/%d.png"));
  EXPECT_FALSE(IsFramePattern("100%%.png"));
}

TEST(FramePatternTest, NamesFramesAsFfmpegWritesThemWithoutBeingAFormat) {
  EXPECT_EQ(FramePatternPath("frames/%04d.png", 7), "frames/0007.png");
  EXPECT_EQ(FramePatternPath("out/img%d.jpg", 123), "out/img123.jpg");
  EXPECT_EQ(FramePatternPath("100%%/%3d.png", 5), "100%/005.png");  // image2 always zero-pads
  EXPECT_EQ(FramePatternPath("%02d.png", 12345), "12345.png");
  EXPECT_EQ(FramePatternPath("%04d.png", -3), "-003.png");
}

// The names FFmpeg itself gives: the partial frames of a failed run are found and removed.
TEST(FramePatternTest, MatchesTheFilesFfmpegWrites) {
  testing::TempDir dir;
  for (const std::string pattern : {"%3d.png", "x%05d.png", "%d.png"}) {
    ASSERT_TRUE(testing::RunFfmpeg("-f lavfi -i color=c=red:s=8x8 -frames:v 2 " +
                                   dir.File(pattern)));
    for (int number : {1, 2}) {
      EXPECT_TRUE(std::filesystem::exists(FramePatternPath(dir.File(pattern), number)))
          << pattern << " " << number;
    }
  }
}

TEST(RotationTest, QuarterTurnsComposeAndSwapSize) {
  const Frame original = testing::MakeFrame(5, 3, 0);
  Frame turned = original;
  RotateClockwise(90, &turned);
  EXPECT_EQ(turned.width, 3);
  EXPECT_EQ(turned.height, 5);
  // The top-left pixel moves to the top-right corner.
  EXPECT_EQ(turned.rgb[(0 * 3 + 2) * 3], original.rgb[0]);
  RotateClockwise(270, &turned);
  EXPECT_EQ(turned.rgb, original.rgb);
  Frame half = original;
  RotateClockwise(180, &half);
  RotateClockwise(180, &half);
  EXPECT_EQ(half.rgb, original.rgb);
  EXPECT_EQ(half.width, 5);
}

}  // namespace
}  // namespace vmm::media
