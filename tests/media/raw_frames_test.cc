#include "media/raw_frames.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/media/test_util.h"

namespace vmm::media {
namespace {

using ::testing::HasSubstr;
using testing::MakeFrame;

TEST(RawFramesTest, Rgb24RoundTripIsExact) {
  const Frame frame = MakeFrame(13, 7, 2);
  auto raw = RgbToRaw(frame, "rgb24");
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, frame.rgb);
  auto back = RawToRgb(raw->data(), raw->size(), 13, 7, "rgb24");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->rgb, frame.rgb);
}

TEST(RawFramesTest, PackedFormatsRoundTripExactly) {
  const Frame frame = MakeFrame(9, 5, 1);
  for (const char* format : {"bgr24", "rgba", "bgra"}) {
    auto raw = RgbToRaw(frame, format);
    ASSERT_TRUE(raw.ok()) << format << ": " << raw.status();
    auto back = RawToRgb(raw->data(), raw->size(), 9, 5, format);
    ASSERT_TRUE(back.ok()) << format << ": " << back.status();
    EXPECT_EQ(back->rgb, frame.rgb) << format;
  }
}

TEST(RawFramesTest, ChannelOrderIsRight) {
  Frame red;
  red.width = 2;
  red.height = 1;
  red.rgb = {255, 0, 0, 255, 0, 0};
  auto bgr = RgbToRaw(red, "bgr24");
  ASSERT_TRUE(bgr.ok());
  EXPECT_EQ(*bgr, (std::vector<uint8_t>{0, 0, 255, 0, 0, 255}));
  auto bgra = RgbToRaw(red, "bgra");
  ASSERT_TRUE(bgra.ok());
  EXPECT_EQ(*bgra, (std::vector<uint8_t>{0, 0, 255, 255, 0, 0, 255, 255}));
}

TEST(RawFramesTest, YuvFormatsRoundTripWithinTolerance) {
  // Smooth content: chroma subsampling costs little.
  Frame frame;
  frame.width = 33;
  frame.height = 17;
  for (int y = 0; y < 17; ++y) {
    for (int x = 0; x < 33; ++x) {
      frame.rgb.push_back(static_cast<uint8_t>(40 + x * 5));
      frame.rgb.push_back(static_cast<uint8_t>(60 + y * 8));
      frame.rgb.push_back(static_cast<uint8_t>(200 - x * 3));
    }
  }
  for (const char* format : {"yuv420p", "nv12"}) {
    auto raw = RgbToRaw(frame, format);
    ASSERT_TRUE(raw.ok()) << raw.status();
    // Odd sizes round the chroma planes up.
    EXPECT_EQ(raw->size(), 33u * 17 + 2u * 17 * 9) << format;
    auto back = RawToRgb(raw->data(), raw->size(), 33, 17, format);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_LE(testing::MaxAbsDifference(back->rgb, frame.rgb), 12) << format;
    EXPECT_LT(testing::MeanAbsDifference(back->rgb, frame.rgb), 2.0) << format;
  }
}

TEST(RawFramesTest, GrayIsFullRange) {
  const std::vector<uint8_t> gray = {0, 128, 255};
  auto rgb = RawToRgb(gray.data(), gray.size(), 3, 1, "gray");
  ASSERT_TRUE(rgb.ok()) << rgb.status();
  EXPECT_EQ(rgb->rgb, (std::vector<uint8_t>{0, 0, 0, 128, 128, 128, 255, 255, 255}));
  auto back = RgbToRaw(*rgb, "gray");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, gray);
}

TEST(RawFramesTest, WrongBufferSizeSaysWhatIsExpected) {
  const std::vector<uint8_t> data(100);
  auto rgb = RawToRgb(data.data(), data.size(), 8, 8, "yuv420p");
  EXPECT_EQ(rgb.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rgb.status().message(), HasSubstr("needs 96 bytes but has 100"));
}

TEST(RawFramesTest, UnknownFormatIsInvalidArgument) {
  const std::vector<uint8_t> data(12);
  auto rgb = RawToRgb(data.data(), data.size(), 2, 2, "rgb-ish");
  EXPECT_EQ(rgb.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rgb.status().message(), HasSubstr("'rgb-ish'"));
  EXPECT_EQ(RgbToRaw(MakeFrame(2, 2, 0), "cuda").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RawFramesTest, BadSizeIsInvalidArgument) {
  EXPECT_EQ(RawFrameSize(0, 4, "rgb24").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*RawFrameSize(4, 3, "nv12"), 4u * 3 + 2u * 2 * 2);
  Frame frame = MakeFrame(4, 4, 0);
  frame.rgb.resize(5);
  EXPECT_EQ(RgbToRaw(frame, "rgb24").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vmm::media
