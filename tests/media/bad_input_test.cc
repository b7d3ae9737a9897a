// Every bad input gets the right status code and a message naming the file, and nothing is
// printed to stderr by FFmpeg.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "media/video_reader.h"
#include "media/video_writer.h"
#include "tests/media/test_util.h"

namespace vmm::media {
namespace {

using ::testing::HasSubstr;
using testing::MakeFrame;
using testing::RunFfmpeg;
using testing::TempDir;

// Opens `path` and reads to the end; returns the first error (OK when all went well) and the
// number of frames read before it.
absl::Status OpenAndReadAll(const std::string& path, int* frames_read = nullptr) {
  auto reader = VideoReader::Open(path);
  if (!reader.ok()) return reader.status();
  Frame frame;
  int count = 0;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    if (!more.ok()) {
      if (frames_read != nullptr) *frames_read = count;
      return more.status();
    }
    if (!*more) break;
    ++count;
  }
  if (frames_read != nullptr) *frames_read = count;
  return absl::OkStatus();
}

TEST(BadInputTest, MissingFileIsNotFound) {
  TempDir dir;
  const absl::Status status = OpenAndReadAll(dir.File("missing.mp4"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("missing.mp4"));
}

TEST(BadInputTest, AbsentCameraIsNotFoundFromTheV4l2Input) {
  EXPECT_TRUE(IsCameraDevice("/dev/video0"));
  EXPECT_TRUE(IsCameraDevice("/dev/video12"));
  EXPECT_FALSE(IsCameraDevice("/dev/video"));
  EXPECT_FALSE(IsCameraDevice("/dev/videos.mp4"));
  const absl::Status status = OpenAndReadAll("/dev/video97");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(status.message(), HasSubstr("/dev/video97"));
  // Opened through FFmpeg's camera input, not refused for want of it or probed as a file.
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("lacks the demuxer")));
}

TEST(BadInputTest, EmptyFileIsInvalidArgument) {
  TempDir dir;
  testing::WriteFile(dir.File("empty.mp4"), "");
  const absl::Status status = OpenAndReadAll(dir.File("empty.mp4"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("empty.mp4"));
  EXPECT_THAT(status.message(), HasSubstr("empty"));
}

TEST(BadInputTest, TextFileNamedMp4IsInvalidArgumentAndQuiet) {
  TempDir dir;
  testing::WriteFile(dir.File("notes.mp4"), "Dear diary, today I did not record a video.\n");
  ::testing::internal::CaptureStderr();
  const absl::Status status = OpenAndReadAll(dir.File("notes.mp4"));
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("notes.mp4"));
  EXPECT_EQ(printed, "");
}

TEST(BadInputTest, DirectoryIsInvalidArgument) {
  TempDir dir;
  const absl::Status status = OpenAndReadAll(dir.path());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not a regular file"));
}

TEST(BadInputTest, TruncatedMp4WithIndexAtEndIsInvalidArgument) {
  TempDir dir;
  const std::string full = dir.File("full.mp4");
  ASSERT_TRUE(
      RunFfmpeg("-f lavfi -i testsrc2=size=64x48:rate=25 -t 2 -c:v libx264 "
                "-preset ultrafast '" +
                full + "'"));
  const std::string bytes = testing::ReadFile(full);
  testing::WriteFile(dir.File("cut.mp4"), bytes.substr(0, bytes.size() / 2));
  const absl::Status status = OpenAndReadAll(dir.File("cut.mp4"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("cut.mp4"));
  EXPECT_THAT(status.message(), HasSubstr("moov atom not found"));
}

TEST(BadInputTest, TruncatedFaststartMp4DecodesWhatItCanThenReportsDataLoss) {
  TempDir dir;
  const std::string full = dir.File("full.mp4");
  ASSERT_TRUE(
      RunFfmpeg("-f lavfi -i testsrc2=size=64x48:rate=25 -t 2 -c:v libx264 "
                "-preset ultrafast -movflags +faststart '" +
                full + "'"));
  const std::string bytes = testing::ReadFile(full);
  testing::WriteFile(dir.File("cut.mp4"), bytes.substr(0, bytes.size() / 2));
  int frames = 0;
  const absl::Status status = OpenAndReadAll(dir.File("cut.mp4"), &frames);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(status.message(), HasSubstr("cut.mp4"));
  EXPECT_THAT(status.message(), HasSubstr("truncated"));
  EXPECT_GE(frames, 3);  // the ffmpeg tool decodes 5 of this file
  EXPECT_LT(frames, 50);
}

TEST(BadInputTest, AudioOnlyFileHasNoVideoStream) {
  TempDir dir;
  ASSERT_TRUE(RunFfmpeg("-f lavfi -i sine=frequency=440 -t 0.5 '" + dir.File("tone.wav") + "'"));
  const absl::Status status = OpenAndReadAll(dir.File("tone.wav"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("tone.wav"));
  EXPECT_THAT(status.message(), HasSubstr("no video stream"));
}

TEST(BadInputTest, SequenceWithMixedSizesNamesTheFrame) {
  TempDir dir;
  ASSERT_TRUE(
      RunFfmpeg("-f lavfi -i color=c=blue:s=16x16 -frames:v 2 '" + dir.File("f_%03d.png") + "'"));
  ASSERT_TRUE(RunFfmpeg("-f lavfi -i color=c=red:s=20x16 -frames:v 1 -start_number 3 '" +
                        dir.File("f_%03d.png") + "'"));
  int frames = 0;
  const absl::Status status = OpenAndReadAll(dir.File("f_%03d.png"), &frames);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(frames, 2);
  EXPECT_THAT(status.message(), HasSubstr("f_003.png"));
  EXPECT_THAT(status.message(), HasSubstr("20x16"));
}

TEST(BadInputTest, PatternMatchingNoFileIsNotFound) {
  TempDir dir;
  const absl::Status status = OpenAndReadAll(dir.File("none_%04d.png"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(status.message(), HasSubstr("none_%04d.png"));
}

TEST(BadInputTest, CorruptPngInSequenceIsReported) {
  TempDir dir;
  ASSERT_TRUE(
      RunFfmpeg("-f lavfi -i color=c=blue:s=16x16 -frames:v 3 '" + dir.File("g_%03d.png") + "'"));
  testing::WriteFile(dir.File("g_002.png"), "garbage, not a png");
  int frames = 0;
  const absl::Status status = OpenAndReadAll(dir.File("g_%03d.png"), &frames);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_EQ(frames, 2);
  EXPECT_THAT(status.message(), HasSubstr("g_%03d.png"));
}

TEST(BadOutputTest, UnsupportedExtensionIsInvalidArgument) {
  TempDir dir;
  auto writer = VideoWriter::Open(dir.File("out.gifx"), 16, 16, 25, 1, {});
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(writer.status().message(), HasSubstr("out.gifx"));
  EXPECT_THAT(writer.status().message(), HasSubstr(".gifx"));
}

TEST(BadOutputTest, BadSizeRateAndCrfAreInvalidArgument) {
  TempDir dir;
  EXPECT_EQ(VideoWriter::Open(dir.File("a.mp4"), 0, 16, 25, 1, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VideoWriter::Open(dir.File("a.mp4"), 16, 16, 0, 1, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  WriterOptions options;
  options.crf = 99;
  EXPECT_EQ(VideoWriter::Open(dir.File("a.mp4"), 16, 16, 25, 1, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BadOutputTest, MissingDirectoryIsNotFound) {
  TempDir dir;
  auto writer = VideoWriter::Open(dir.File("no/dir/out.mkv"), 16, 16, 25, 1, {});
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(writer.status().message(), HasSubstr("out.mkv"));
}

TEST(BadOutputTest, WrongFrameSizeIsInvalidArgument) {
  TempDir dir;
  auto writer = VideoWriter::Open(dir.File("a.mkv"), 16, 16, 25, 1, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  const absl::Status status = (*writer)->Write(MakeFrame(16, 15, 0));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("16x15"));
  EXPECT_TRUE((*writer)->Close().ok());
}

}  // namespace
}  // namespace vmm::media
