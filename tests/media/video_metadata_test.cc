// Audio copy, rotation metadata and variable frame rate, checked with our reader and ffprobe.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "media/video_reader.h"
#include "media/video_writer.h"
#include "tests/media/test_util.h"

namespace vmm::media {
namespace {

using ::testing::HasSubstr;
using testing::MakeFrame;
using testing::RunAndCapture;
using testing::RunFfmpeg;
using testing::TempDir;

// Copies every frame of `input` into `output` with `options`; returns the writer's warnings.
std::vector<std::string> Transcode(const std::string& input, const std::string& output,
                                   WriterOptions options) {
  auto reader = VideoReader::Open(input);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  const VideoInfo& info = (*reader)->info();
  options.preset = "ultrafast";
  auto writer =
      VideoWriter::Open(output, info.width, info.height, info.fps_num, info.fps_den, options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return {};
  Frame frame;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    EXPECT_TRUE((*writer)->Write(frame).ok());
  }
  EXPECT_TRUE((*writer)->Close().ok());
  return (*writer)->warnings();
}

// "codec_name,duration" of the first audio stream, per ffprobe.
std::string ProbeAudio(const std::string& path) {
  return RunAndCapture(
      "ffprobe -v error -select_streams a:0 -show_entries "
      "stream=codec_name -of csv=p=0 '" +
      path + "'");
}

// Duration of the first audio stream in seconds, measured from its packets.
double AudioSeconds(const std::string& path) {
  const std::string out = RunAndCapture(
      "ffprobe -v error -select_streams a:0 -show_entries packet=pts_time,duration_time "
      "-of csv=p=0 '" +
      path + "' | tail -n 1");
  const size_t comma = out.find(',');
  if (comma == std::string::npos) return -1;
  return std::stod(out.substr(0, comma)) + std::stod(out.substr(comma + 1));
}

// Start time of the first audio stream, per ffprobe ("" when there is none).
std::string AudioStart(const std::string& path) {
  return RunAndCapture(
      "ffprobe -v error -select_streams a:0 -show_entries stream=start_time "
      "-of csv=p=0 '" +
      path + "'");
}

// MD5 of the audio packets' payload, which a copy must leave untouched.
std::string AudioPayloadMd5(const std::string& path) {
  return RunAndCapture("ffmpeg -nostdin -v error -i '" + path + "' -map 0:a:0 -c copy -f md5 -");
}

class AudioCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = dir_.File("source.mp4");
    ASSERT_TRUE(
        RunFfmpeg("-f lavfi -i testsrc2=size=64x48:rate=25 -f lavfi "
                  "-i sine=frequency=440:sample_rate=48000 -t 1 -c:v libx264 "
                  "-preset ultrafast -c:a aac -b:a 64k '" +
                  source_ + "'"));
  }
  TempDir dir_;
  std::string source_;
};

TEST_F(AudioCopyTest, Mp4KeepsAacUntouched) {
  WriterOptions options;
  options.audio_source = source_;
  const std::string output = dir_.File("out.mp4");
  EXPECT_TRUE(Transcode(source_, output, options).empty());
  EXPECT_EQ(ProbeAudio(output), "aac\n");
  EXPECT_NEAR(AudioSeconds(output), AudioSeconds(source_), 0.03);
  EXPECT_EQ(AudioPayloadMd5(output), AudioPayloadMd5(source_));
  EXPECT_FALSE(AudioPayloadMd5(output).empty());
  EXPECT_EQ(AudioStart(output), AudioStart(source_));  // still in sync with the video
  auto reader = VideoReader::Open(output);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->info().has_audio);
  EXPECT_EQ((*reader)->info().frame_count, 25);
}

TEST_F(AudioCopyTest, MkvAndMovKeepAudio) {
  WriterOptions options;
  options.audio_source = source_;
  for (const char* name : {"out.mkv", "out.mov"}) {
    const std::string output = dir_.File(name);
    EXPECT_TRUE(Transcode(source_, output, options).empty()) << name;
    EXPECT_EQ(ProbeAudio(output), "aac\n") << name;
    EXPECT_NEAR(AudioSeconds(output), AudioSeconds(source_), 0.03) << name;
  }
}

TEST_F(AudioCopyTest, PcmIntoMp4IsSkippedWithWarning) {
  const std::string pcm_source = dir_.File("pcm.mkv");
  ASSERT_TRUE(RunFfmpeg("-i '" + source_ + "' -c:v copy -c:a pcm_s16le '" + pcm_source + "'"));
  WriterOptions options;
  options.audio_source = pcm_source;
  const std::string output = dir_.File("out.mp4");
  const std::vector<std::string> warnings = Transcode(source_, output, options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("pcm_s16le"));
  EXPECT_THAT(warnings[0], HasSubstr("out.mp4"));
  EXPECT_EQ(ProbeAudio(output), "");
  // The same audio fits in Matroska.
  EXPECT_TRUE(Transcode(source_, dir_.File("out.mkv"), options).empty());
  EXPECT_EQ(ProbeAudio(dir_.File("out.mkv")), "pcm_s16le\n");
}

TEST_F(AudioCopyTest, ImageSequenceWarnsThatAudioIsLeftOut) {
  WriterOptions options;
  options.audio_source = source_;
  const std::vector<std::string> warnings = Transcode(source_, dir_.File("%03d.png"), options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("audio"));
}

TEST_F(AudioCopyTest, SourceWithoutAudioWarns) {
  const std::string silent = dir_.File("silent.mkv");
  ASSERT_TRUE(RunFfmpeg("-i '" + source_ + "' -an -c:v copy '" + silent + "'"));
  WriterOptions options;
  options.audio_source = silent;
  const std::vector<std::string> warnings = Transcode(silent, dir_.File("o.mp4"), options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("no audio stream"));
}

TEST_F(AudioCopyTest, MissingAudioSourceIsNotFound) {
  WriterOptions options;
  options.audio_source = dir_.File("gone.m4a");
  auto writer = VideoWriter::Open(dir_.File("o.mp4"), 16, 16, 25, 1, options);
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(writer.status().message(), HasSubstr("gone.m4a"));
}

// Writes an asymmetric 5-frame PNG-in-MOV clip whose container says "rotate by `degrees`".
std::vector<Frame> MakeRotatedClip(const TempDir& dir, int degrees, const std::string& output) {
  std::vector<Frame> frames;
  auto writer = VideoWriter::Open(dir.File("src_%02d.png"), 21, 12, 25, 1, {});
  EXPECT_TRUE(writer.ok()) << writer.status();
  for (int i = 0; i < 5; ++i) {
    frames.push_back(MakeFrame(21, 12, i));
    EXPECT_TRUE((*writer)->Write(frames.back()).ok());
  }
  EXPECT_TRUE((*writer)->Close().ok());
  // FFmpeg 5 turns the "rotate" tag into a display matrix only when copying streams.
  const std::string plain = dir.File("plain.mov");
  EXPECT_TRUE(RunFfmpeg("-framerate 25 -start_number 1 -i '" + dir.File("src_%02d.png") +
                        "' -c:v png '" + plain + "'"));
  EXPECT_TRUE(RunFfmpeg("-i '" + plain + "' -c copy -metadata:s:v:0 rotate=" +
                        std::to_string(degrees) + " '" + output + "'"));
  return frames;
}

class RotationTest : public ::testing::TestWithParam<int> {};

TEST_P(RotationTest, FramesComeOutUprightLikeFfmpegShowsThem) {
  const int degrees = GetParam();
  TempDir dir;
  const std::string clip = dir.File("rotated.mov");
  MakeRotatedClip(dir, degrees, clip);
  auto reader = VideoReader::Open(clip);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const VideoInfo& info = (*reader)->info();
  // ffprobe prints the display matrix's counter-clockwise angle (FFmpeg 5 writes the tag's
  // angle counter-clockwise; FFmpeg 6 clockwise): frames are turned clockwise by its negation.
  const std::string probed = RunAndCapture(
      "ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation "
      "-of csv=p=0 '" +
      clip + "' | tr -d ' \\n'");
  const int counter_clockwise = probed.empty() ? 0 : std::stoi(probed);
  EXPECT_EQ(info.rotation_degrees, ((-counter_clockwise) % 360 + 360) % 360);
  EXPECT_EQ(counter_clockwise == 0, degrees == 0);
  const bool sideways = degrees == 90 || degrees == 270;
  EXPECT_EQ(info.width, sideways ? 12 : 21);
  EXPECT_EQ(info.height, sideways ? 21 : 12);

  // The ffmpeg tool applies the same metadata (autorotate); its pixels must equal ours.
  const std::string upright =
      RunAndCapture("ffmpeg -nostdin -v error -i '" + clip + "' -f rawvideo -pix_fmt rgb24 -");
  ASSERT_EQ(upright.size(), 5u * 21 * 12 * 3);
  Frame frame;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    ASSERT_TRUE(more.ok() && *more) << more.status();
    EXPECT_EQ(frame.width, info.width);
    EXPECT_EQ(frame.height, info.height);
    const std::string expected = upright.substr(i * frame.rgb.size(), frame.rgb.size());
    EXPECT_EQ(std::string(frame.rgb.begin(), frame.rgb.end()), expected) << "frame " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(RightAngles, RotationTest, ::testing::Values(0, 90, 180, 270));

TEST(VariableFrameRateTest, TimestampsSurviveMkvAndMp4) {
  TempDir dir;
  const std::vector<double> times = {0.0, 0.1, 0.15, 0.4, 0.41, 0.9, 1.0};
  for (const char* name : {"vfr.mkv", "vfr.mp4"}) {
    const std::string path = dir.File(name);
    WriterOptions options;
    options.preset = "ultrafast";
    options.timestamps_seconds = times;
    auto writer = VideoWriter::Open(path, 32, 24, 30, 1, options);
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (size_t i = 0; i < times.size(); ++i) {
      ASSERT_TRUE((*writer)->Write(MakeFrame(32, 24, i)).ok());
    }
    // One frame more than timestamps given is refused.
    EXPECT_EQ((*writer)->Write(MakeFrame(32, 24, 9)).code(), absl::StatusCode::kOutOfRange);
    ASSERT_TRUE((*writer)->Close().ok());

    auto reader = VideoReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_TRUE((*reader)->info().variable_frame_rate) << name;
    Frame frame;
    size_t count = 0;
    while (*(*reader)->Read(&frame)) {
      ASSERT_LT(count, times.size());
      EXPECT_NEAR(frame.timestamp_seconds, times[count], 0.0015) << name << " frame " << count;
      ++count;
    }
    EXPECT_EQ(count, times.size()) << name;
  }
}

TEST(VariableFrameRateTest, DecreasingTimestampsAreRejected) {
  TempDir dir;
  WriterOptions options;
  options.timestamps_seconds = {0.0, 0.2, 0.1};
  auto writer = VideoWriter::Open(dir.File("bad.mkv"), 8, 8, 25, 1, options);
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(writer.status().message(), HasSubstr("entry 2"));
}

}  // namespace
}  // namespace vmm::media
