// MagnifyFile, the one decode-magnify-encode loop behind `vmm magnify` and the worker: frame
// counts kept, progress as documented (the batch in the network reported), the input's frame
// rate standing in for fs with the shared limits applied, cancellation and failures leaving no
// partial output.
#include "pipeline/magnify_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/layers.h"
#include "engine/model_loader.h"
#include "engine/network.h"
#include "engine/runtime.h"
#include "engine/weights_file.h"
#include "media/video_reader.h"
#include "media/video_writer.h"
#include "tests/media/test_util.h"

namespace vmm::pipeline {
namespace {

using ::testing::HasSubstr;
using media::testing::TempDir;

class MagnifyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::MagnificationNet net;
    engine::InitWeightsTruncatedNormal(*net, 5);
    ASSERT_TRUE(engine::SaveWeights(*net, {}, dir_.File("model.vmmw")).ok());
    absl::StatusOr<engine::LoadedModel> model =
        engine::LoadModel(dir_.File("model.vmmw"), torch::kCPU);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *model;
    engine::ConfigureThreads(1);
    options_.batch_size = 3;
  }

  // A lossless video of `frames` frames at `fps`.
  std::string MakeVideo(const std::string& name, int frames, int fps) {
    const std::string path = dir_.File(name);
    auto writer = media::VideoWriter::Open(path, 40, 32, fps, 1, media::WriterOptions());
    EXPECT_TRUE(writer.ok()) << writer.status();
    for (int i = 0; i < frames; ++i) {
      EXPECT_TRUE((*writer)->Write(media::testing::MakeFrame(40, 32, i)).ok());
    }
    EXPECT_TRUE((*writer)->Close().ok());
    return path;
  }

  static int CountFrames(const std::string& path) {
    auto reader = media::VideoReader::Open(path);
    if (!reader.ok()) return -1;
    media::Frame frame;
    int frames = 0;
    while (*(*reader)->Read(&frame)) ++frames;
    return frames;
  }

  // Names in the test directory other than the inputs and the model.
  std::vector<std::string> Leftovers(const std::vector<std::string>& inputs) const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (name == "model.vmmw") continue;
      if (std::find(inputs.begin(), inputs.end(), entry.path().string()) != inputs.end()) continue;
      names.push_back(name);
    }
    return names;
  }

  TempDir dir_;
  engine::LoadedModel model_;
  MagnifyFileOptions options_;
};

TEST_F(MagnifyFileTest, KeepsEveryFrameAndReportsEachBatchInTheNetwork) {
  const std::string input = MakeVideo("in.mkv", 7, 25);
  std::vector<int64_t> in_network;
  Progress last;
  const auto on_progress = [&](const Progress& progress) {
    if (in_network.empty() || in_network.back() != progress.frames_in_network) {
      in_network.push_back(progress.frames_in_network);
    }
    last = progress;
  };
  ASSERT_TRUE(MagnifyFile(input, dir_.File("out.mkv"), model_, options_, on_progress).ok());
  EXPECT_EQ(CountFrames(dir_.File("out.mkv")), 7);
  // Batches of 3: 3, 3, then the last frame, each reported as it goes in and as it comes out.
  EXPECT_THAT(in_network, ::testing::ElementsAre(3, 0, 3, 0, 1, 0));
  EXPECT_FALSE(last.stopped_early);
  EXPECT_EQ(last.frames_done, 7);
  EXPECT_EQ(last.frames_in_network, 0);
  EXPECT_THAT(Leftovers({input}), ::testing::ElementsAre("out.mkv"));
}

// Without fs the input's frame rate is the sample rate, and the shared Nyquist rule applies to
// it: 3 Hz is fine at 25 fps, refused at 5 fps naming the flags.
TEST_F(MagnifyFileTest, TheInputsFrameRateStandsInForFsUnderTheSharedRules) {
  const std::string slow = MakeVideo("slow.mkv", 6, 5);
  options_.params.mode = common::Mode::kTemporal;
  options_.params.high_hz = 3;
  absl::Status refused = MagnifyFile(slow, dir_.File("out.mkv"), model_, options_, nullptr);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("--fh must be below half of --fs (2.5 Hz"));
  options_.params.sample_rate_hz = 30;  // the capture rate given: the container's is not used
  EXPECT_TRUE(MagnifyFile(slow, dir_.File("out.mkv"), model_, options_, nullptr).ok());
  EXPECT_EQ(CountFrames(dir_.File("out.mkv")), 6);
}

TEST_F(MagnifyFileTest, CancelledBeforeTheFirstBatchLeavesNoOutput) {
  const std::string input = MakeVideo("in.mkv", 5, 25);
  std::atomic<bool> cancel{true};
  absl::Status status =
      MagnifyFile(input, dir_.File("out.mp4"), model_, options_, nullptr, &cancel);
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(Leftovers({input}).empty());
}

TEST_F(MagnifyFileTest, CancelledDuringABatchStopsAndLeavesNoOutput) {
  const std::string input = MakeVideo("in.mkv", 9, 25);
  std::atomic<bool> cancel{false};
  int batches = 0;
  const auto on_progress = [&](const Progress& progress) {
    if (progress.frames_in_network > 0 && ++batches == 2) cancel = true;
  };
  absl::Status status =
      MagnifyFile(input, dir_.File("out.mkv"), model_, options_, on_progress, &cancel);
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(batches, 2);
  EXPECT_TRUE(Leftovers({input}).empty());
}

// What Ctrl-C on `vmm magnify` does: no more frames are read, the batch in the network
// finishes, and the output is a complete file of the frames read.
TEST_F(MagnifyFileTest, FinishingEarlyCompletesTheOutputWithTheFramesRead) {
  const std::string input = MakeVideo("in.mkv", 9, 25);
  std::atomic<bool> finish{false};
  bool stopped_early = false;
  const auto on_progress = [&](const Progress& progress) {
    if (progress.frames_in_network > 0) finish = true;
    stopped_early = progress.stopped_early;
  };
  ASSERT_TRUE(
      MagnifyFile(input, dir_.File("out.mp4"), model_, options_, on_progress, nullptr, &finish)
          .ok());
  EXPECT_EQ(CountFrames(dir_.File("out.mp4")), 3);  // the first batch of 3
  EXPECT_TRUE(stopped_early);
  EXPECT_THAT(Leftovers({input}), ::testing::ElementsAre("out.mp4"));
}

// The input's audio is kept, but only as long as the frames that were magnified.
TEST_F(MagnifyFileTest, FinishingEarlyCutsTheAudioAtTheLastFrame) {
  const std::string input = dir_.File("sound.mkv");
  ASSERT_TRUE(media::testing::RunFfmpeg(
      "-f lavfi -i testsrc2=size=40x32:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 "
      "-frames:v 50 -t 2 -c:v ffv1 -c:a flac " + input));
  std::atomic<bool> finish{false};
  const auto on_progress = [&](const Progress& progress) {
    if (progress.frames_in_network > 0) finish = true;
  };
  ASSERT_TRUE(
      MagnifyFile(input, dir_.File("out.mkv"), model_, options_, on_progress, nullptr, &finish)
          .ok());
  const std::string audio_seconds = media::testing::RunAndCapture(
      "ffprobe -v error -select_streams a:0 -show_entries packet=pts_time -of csv=p=0 " +
      dir_.File("out.mkv") + " | tail -1");
  ASSERT_FALSE(audio_seconds.empty()) << "no audio in the output";
  // The last audio packet starts before the end of the 3 frames kept (0.12 s), not at 2 s.
  EXPECT_LT(std::stod(audio_seconds), 0.2) << audio_seconds;
}

// A stop that comes while the last batch runs loses nothing: the output is whole, not "stopped".
TEST_F(MagnifyFileTest, FinishingDuringTheLastBatchIsNotAnEarlyStop) {
  const std::string input = MakeVideo("in.mkv", 6, 25);
  std::atomic<bool> finish{false};
  int batches = 0;
  bool stopped_early = true;
  const auto on_progress = [&](const Progress& progress) {
    if (progress.frames_in_network > 0 && ++batches == 2) finish = true;
    stopped_early = progress.stopped_early;
  };
  ASSERT_TRUE(
      MagnifyFile(input, dir_.File("out.mkv"), model_, options_, on_progress, nullptr, &finish)
          .ok());
  EXPECT_EQ(CountFrames(dir_.File("out.mkv")), 6);
  EXPECT_FALSE(stopped_early);
}

TEST_F(MagnifyFileTest, FinishingBeforeAnyFrameIsCancelledAndLeavesNoOutput) {
  const std::string input = MakeVideo("in.mkv", 4, 25);
  std::atomic<bool> finish{true};
  absl::Status status =
      MagnifyFile(input, dir_.File("out.mp4"), model_, options_, nullptr, nullptr, &finish);
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(Leftovers({input}).empty());
}

// Stopped before the FIR had enough frames to give any: cancelled, not "too few frames", since
// the input has more.
TEST_F(MagnifyFileTest, FinishingBeforeTheFirCanGiveAFrameIsCancelled) {
  const std::string input = MakeVideo("in.mkv", 12, 25);
  options_.params.mode = common::Mode::kTemporal;
  options_.params.filter = common::FilterKind::kFir;
  options_.params.taps = 9;
  std::atomic<bool> finish{false};
  const auto on_progress = [&](const Progress& progress) {
    if (progress.frames_in_network > 0) finish = true;
  };
  absl::Status status =
      MagnifyFile(input, dir_.File("out.mkv"), model_, options_, on_progress, nullptr, &finish);
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(status.message(), "stopped after 3 frames, too few for the FIR filter to give any");
  EXPECT_TRUE(Leftovers({input}).empty());
}

TEST_F(MagnifyFileTest, TooFewFramesForTheFirFailsSayingWhatIsNeededAndLeavesNoOutput) {
  const std::string input = MakeVideo("in.mkv", 4, 25);
  options_.params.mode = common::Mode::kTemporal;
  options_.params.filter = common::FilterKind::kFir;
  options_.params.taps = 9;
  absl::Status status =
      MagnifyFile(input, dir_.File("frame%04d.png"), model_, options_, nullptr);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("needs at least 9 frames"));
  EXPECT_TRUE(Leftovers({input}).empty());
}

TEST_F(MagnifyFileTest, AnImageSequenceOutputGetsOneNumberedPicturePerFrame) {
  const std::string input = MakeVideo("in.mkv", 4, 25);
  ASSERT_TRUE(MagnifyFile(input, dir_.File("frame%04d.png"), model_, options_, nullptr).ok());
  for (int i = 1; i <= 4; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "frame%04d.png", i);
    EXPECT_TRUE(std::filesystem::exists(dir_.File(name))) << name;
  }
  EXPECT_EQ(Leftovers({input}).size(), 4u);
}

}  // namespace
}  // namespace vmm::pipeline
