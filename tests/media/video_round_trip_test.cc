// Writes synthetic frames with VideoWriter, reads them back with VideoReader, and checks that
// lossless formats give back the exact bytes and lossy ones keep rate, size and frame count.
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "media/video_reader.h"
#include "media/video_writer.h"
#include "tests/media/test_util.h"

namespace vmm::media {
namespace {

using testing::MakeFrame;
using testing::TempDir;

// Writes `count` synthetic frames to `path`; returns them.
std::vector<Frame> WriteFrames(const std::string& path, int width, int height, int count,
                               int fps_num, int fps_den, const WriterOptions& options = {},
                               bool smooth = false) {
  std::vector<Frame> frames;
  auto writer = VideoWriter::Open(path, width, height, fps_num, fps_den, options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return frames;
  for (int i = 0; i < count; ++i) {
    frames.push_back(smooth ? testing::MakeSmoothFrame(width, height, i)
                            : MakeFrame(width, height, i));
    EXPECT_TRUE((*writer)->Write(frames.back()).ok());
  }
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->frames_written(), count);
  return frames;
}

// Reads every frame of `path`, failing the test on any error.
std::vector<Frame> ReadAll(const std::string& path, VideoInfo* info = nullptr) {
  std::vector<Frame> frames;
  auto reader = VideoReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return frames;
  if (info != nullptr) *info = (*reader)->info();
  Frame frame;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    frames.push_back(frame);
  }
  return frames;
}

TEST(VideoRoundTripTest, PngSequenceIsBitExact) {
  TempDir dir;
  const std::string pattern = dir.File("seq_%04d.png");
  const std::vector<Frame> written = WriteFrames(pattern, 33, 17, 5, 30, 1);
  VideoInfo info;
  const std::vector<Frame> read = ReadAll(pattern, &info);
  ASSERT_EQ(read.size(), 5u);
  EXPECT_EQ(info.width, 33);
  EXPECT_EQ(info.height, 17);
  EXPECT_EQ(info.fps_num, 30);
  EXPECT_EQ(info.fps_den, 1);
  EXPECT_EQ(info.codec_name, "png");
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].index, static_cast<int64_t>(i));
    EXPECT_NEAR(read[i].timestamp_seconds, i / 30.0, 1e-6);
    EXPECT_EQ(read[i].rgb, written[i].rgb) << "frame " << i;
  }
}

TEST(VideoRoundTripTest, SequenceFrameRateCanBeGiven) {
  TempDir dir;
  WriteFrames(dir.File("%03d.png"), 8, 6, 3, 30, 1);
  ReaderOptions options;
  options.sequence_fps_num = 12;
  auto reader = VideoReader::Open(dir.File("%03d.png"), options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->info().fps_num, 12);
  Frame frame;
  ASSERT_TRUE(*(*reader)->Read(&frame));
  ASSERT_TRUE(*(*reader)->Read(&frame));
  EXPECT_NEAR(frame.timestamp_seconds, 1.0 / 12, 1e-6);
}

TEST(VideoRoundTripTest, MkvFfv1IsBitExactAtOddSize) {
  TempDir dir;
  const std::vector<Frame> written = WriteFrames(dir.File("a.mkv"), 321, 241, 6, 25, 1);
  VideoInfo info;
  const std::vector<Frame> read = ReadAll(dir.File("a.mkv"), &info);
  ASSERT_EQ(read.size(), written.size());
  EXPECT_EQ(info.codec_name, "ffv1");
  EXPECT_EQ(info.width, 321);
  EXPECT_EQ(info.height, 241);
  EXPECT_EQ(info.fps_num, 25);
  EXPECT_EQ(info.fps_den, 1);
  EXPECT_FALSE(info.variable_frame_rate);
  EXPECT_EQ(info.frame_count, 6);
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].rgb, written[i].rgb) << "frame " << i;
    EXPECT_NEAR(read[i].timestamp_seconds, i * 0.04, 1e-3);
  }
}

TEST(VideoRoundTripTest, AviFfv1IsBitExact) {
  TempDir dir;
  const std::vector<Frame> written = WriteFrames(dir.File("a.avi"), 40, 30, 4, 30000, 1001);
  VideoInfo info;
  const std::vector<Frame> read = ReadAll(dir.File("a.avi"), &info);
  ASSERT_EQ(read.size(), written.size());
  EXPECT_EQ(info.fps_num, 30000);
  EXPECT_EQ(info.fps_den, 1001);
  EXPECT_EQ(info.frame_count, 4);
  for (size_t i = 0; i < read.size(); ++i) EXPECT_EQ(read[i].rgb, written[i].rgb);
}

// mp4 at several rates and sizes keeps rate, size and frame count, and stays close to the input.
struct Mp4Case {
  std::string name;
  int width, height, fps_num, fps_den;
  friend void PrintTo(const Mp4Case& c, std::ostream* out) {
    *out << c.name << " " << c.width << "x" << c.height << " @ " << c.fps_num << "/" << c.fps_den;
  }
};

class Mp4RoundTripTest : public ::testing::TestWithParam<Mp4Case> {};

TEST_P(Mp4RoundTripTest, KeepsRateSizeAndFrameCount) {
  const Mp4Case& c = GetParam();
  TempDir dir;
  const std::string path = dir.File(c.name);
  WriterOptions options;
  options.preset = "ultrafast";
  const std::vector<Frame> written =
      WriteFrames(path, c.width, c.height, 12, c.fps_num, c.fps_den, options, /*smooth=*/true);
  VideoInfo info;
  const std::vector<Frame> read = ReadAll(path, &info);
  ASSERT_EQ(read.size(), 12u);
  EXPECT_EQ(info.codec_name, "h264");
  EXPECT_EQ(info.width, c.width);
  EXPECT_EQ(info.height, c.height);
  EXPECT_EQ(info.fps_num, c.fps_num);
  EXPECT_EQ(info.fps_den, c.fps_den);
  EXPECT_EQ(info.frame_count, 12);
  EXPECT_FALSE(info.variable_frame_rate);
  EXPECT_FALSE(info.has_audio);
  EXPECT_NEAR(info.duration_seconds, 12.0 * c.fps_den / c.fps_num, 0.01);
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].width, c.width);
    EXPECT_EQ(read[i].height, c.height);
    EXPECT_NEAR(read[i].timestamp_seconds, static_cast<double>(i) * c.fps_den / c.fps_num, 1e-3);
    // CRF 18 on smooth gradients: a small error, and no colour shift.
    EXPECT_LT(testing::MeanAbsDifference(read[i].rgb, written[i].rgb), 2.5) << "frame " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Rates, Mp4RoundTripTest,
                         ::testing::Values(Mp4Case{"even25.mp4", 64, 48, 25, 1},
                                           Mp4Case{"ntsc.mp4", 64, 48, 30000, 1001},
                                           Mp4Case{"odd.mp4", 321, 241, 30000, 1001},
                                           Mp4Case{"odd.mov", 33, 17, 24, 1}),
                         [](const ::testing::TestParamInfo<Mp4Case>& info) {
                           std::string name = info.param.name;
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

TEST(VideoRoundTripTest, Mp4KeepsSolidColours) {
  // A wrong YUV matrix or range would shift these by far more than the tolerance.
  const std::vector<std::vector<uint8_t>> colours = {
      {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {128, 128, 128}, {16, 16, 16}, {250, 250, 250}};
  TempDir dir;
  auto writer = VideoWriter::Open(dir.File("colours.mp4"), 32, 32, 25, 1, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (const auto& colour : colours) {
    Frame frame;
    frame.width = 32;
    frame.height = 32;
    for (int i = 0; i < 32 * 32; ++i)
      frame.rgb.insert(frame.rgb.end(), colour.begin(), colour.end());
    ASSERT_TRUE((*writer)->Write(frame).ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  const std::vector<Frame> read = ReadAll(dir.File("colours.mp4"));
  ASSERT_EQ(read.size(), colours.size());
  for (size_t i = 0; i < colours.size(); ++i) {
    const size_t centre = (16 * 32 + 16) * 3;
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(read[i].rgb[centre + c], colours[i][c], 3) << "colour " << i << " channel " << c;
    }
  }
}

TEST(VideoRoundTripTest, OddMp4PlaysInFfmpegWithExactSize) {
  TempDir dir;
  WriterOptions options;
  options.preset = "ultrafast";
  WriteFrames(dir.File("odd.mp4"), 321, 241, 3, 25, 1, options);
  const std::string probe = testing::RunAndCapture(
      "ffprobe -v error -select_streams v:0 -count_frames -show_entries "
      "stream=width,height,nb_read_frames,pix_fmt -of csv=p=0 '" +
      dir.File("odd.mp4") + "'");
  EXPECT_EQ(probe, "321,241,yuv444p,3\n");
}

TEST(VideoRoundTripTest, CloseIsIdempotentAndWriteAfterCloseFails) {
  TempDir dir;
  auto writer = VideoWriter::Open(dir.File("c.mkv"), 8, 8, 25, 1, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Write(MakeFrame(8, 8, 0)).ok());
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_TRUE((*writer)->Close().ok());
  const absl::Status status = (*writer)->Write(MakeFrame(8, 8, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadAll(dir.File("c.mkv")).size(), 1u);
}

}  // namespace
}  // namespace vmm::media
