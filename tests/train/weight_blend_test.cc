// Tests of weight blends: the result is the weighted mean of every parameter, its header names
// the inputs, bad shares, unreadable inputs and an unwritable output are refused with a message
// and leave nothing behind, and vmm-blend-weights writes the blend and exits 1 with the reason on
// bad input.
#include "train/trainer/weight_blend.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/layers.h"
#include "engine/network.h"
#include "engine/weights_file.h"
#include "tests/integration/subprocess.h"

namespace vmm::train {
namespace {

namespace fs = std::filesystem;

class WeightBlendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / absl::StrCat("vmm-weight-blend-", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    engine::InitWeightsTruncatedNormal(*first_, 1);
    engine::InitWeightsTruncatedNormal(*second_, 2);
    ASSERT_TRUE(engine::SaveWeights(*first_, {.training_steps = 100, .description = "run one"},
                                    Path("first.vmmw"))
                    .ok());
    ASSERT_TRUE(engine::SaveWeights(*second_, {.training_steps = 250, .description = "run two"},
                                    Path("second.vmmw"))
                    .ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Largest difference between `net`'s parameters and share * first + (1 - share) * second.
  double MaxDeviationFromMix(engine::MagnificationNetImpl& net, double share) {
    double worst = 0;
    const auto blended = net.parameters();
    const auto one = first_->parameters();
    const auto two = second_->parameters();
    for (size_t i = 0; i < blended.size(); ++i) {
      const torch::Tensor expected = share * one[i] + (1 - share) * two[i];
      worst = std::max(worst, (blended[i] - expected).abs().max().item<double>());
    }
    return worst;
  }

  fs::path dir_;
  engine::MagnificationNet first_, second_;
};

TEST_F(WeightBlendTest, EveryParameterIsTheWeightedMeanAndTheHeaderNamesTheInputs) {
  ASSERT_TRUE(BlendWeightFiles({{Path("first.vmmw"), 0.25}, {Path("second.vmmw"), 0.75}},
                               Path("blend.vmmw"))
                  .ok());
  engine::MagnificationNet blend;
  const absl::StatusOr<engine::WeightsHeader> header =
      engine::LoadWeights(Path("blend.vmmw"), *blend);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_LT(MaxDeviationFromMix(*blend, 0.25), 1e-6);
  EXPECT_GT(MaxDeviationFromMix(*blend, 0.5), 1e-3);  // the shares matter
  EXPECT_EQ(header->training_steps, 250);
  EXPECT_EQ(header->description, absl::StrCat("blend of 0.25 x ", Path("first.vmmw"),
                                              " (run one); 0.75 x ", Path("second.vmmw"),
                                              " (run two)"));
}

TEST_F(WeightBlendTest, ASingleFileWithTheWholeShareIsCopied) {
  ASSERT_TRUE(BlendWeightFiles({{Path("second.vmmw"), 1}}, Path("copy.vmmw")).ok());
  engine::MagnificationNet copy;
  ASSERT_TRUE(engine::LoadWeights(Path("copy.vmmw"), *copy).ok());
  EXPECT_EQ(MaxDeviationFromMix(*copy, 0), 0);
}

TEST_F(WeightBlendTest, TheOutputMayReplaceAnInput) {
  ASSERT_TRUE(BlendWeightFiles({{Path("first.vmmw"), 0.5}, {Path("second.vmmw"), 0.5}},
                               Path("first.vmmw"))
                  .ok());
  engine::MagnificationNet blend;
  ASSERT_TRUE(engine::LoadWeights(Path("first.vmmw"), *blend).ok());
  EXPECT_LT(MaxDeviationFromMix(*blend, 0.5), 1e-6);
}

TEST_F(WeightBlendTest, RefusesBadSharesAndNamesAnUnreadableFile) {
  const std::string first = Path("first.vmmw"), second = Path("second.vmmw");
  const struct {
    std::vector<BlendInput> inputs;
    std::string message;
  } cases[] = {
      {{}, "at least one weights file"},
      {{{first, 0.5}, {second, 0.4}}, "the shares sum to 0.9"},
      {{{first, -0.5}, {second, 1.5}}, "must lie in [0, 1]"},
      {{{first, std::nan("")}, {second, 1}}, "must lie in [0, 1]"},
  };
  for (const auto& c : cases) {
    const absl::Status status = BlendWeightFiles(c.inputs, Path("bad.vmmw"));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_TRUE(absl::StrContains(status.message(), c.message)) << status;
  }
  const absl::Status missing =
      BlendWeightFiles({{first, 0.5}, {Path("no-such.vmmw"), 0.5}}, Path("bad.vmmw"));
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_TRUE(absl::StrContains(missing.message(), "no-such.vmmw")) << missing;
  const absl::Status folder =
      BlendWeightFiles({{first, 0.5}, {dir_.string(), 0.5}}, Path("bad.vmmw"));
  EXPECT_EQ(folder.code(), absl::StatusCode::kInvalidArgument) << folder;
  EXPECT_TRUE(absl::StrContains(folder.message(), "is a folder")) << folder;
  EXPECT_FALSE(fs::exists(Path("bad.vmmw")));

  // Fails only when it writes: nothing is left, not even the temporary file.
  const std::string unwritable = Path("no-such-folder/blend.vmmw");
  const absl::Status save = BlendWeightFiles({{first, 0.5}, {second, 0.5}}, unwritable);
  EXPECT_FALSE(save.ok());
  EXPECT_TRUE(absl::StrContains(save.message(), "no-such-folder")) << save;
  EXPECT_FALSE(fs::exists(Path("no-such-folder")));
}

TEST_F(WeightBlendTest, CommandLineWritesTheBlendAndExplainsBadInput) {
  using integration::RunCommand;
  const auto run = [&](const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {VMM_BLEND_WEIGHTS_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return RunCommand(argv, {}, std::chrono::seconds(60), dir_.string());
  };
  const integration::CommandResult equal =
      run({"--out", Path("equal.vmmw"), Path("first.vmmw"), Path("second.vmmw")});
  ASSERT_EQ(equal.exit_code, 0) << equal.err;
  engine::MagnificationNet blend;
  ASSERT_TRUE(engine::LoadWeights(Path("equal.vmmw"), *blend).ok());
  EXPECT_LT(MaxDeviationFromMix(*blend, 0.5), 1e-6);

  // --shares before the files, as well as after them.
  const integration::CommandResult shared =
      run({"--shares", "0.25,0.75", "--out", Path("shared.vmmw"), Path("first.vmmw"),
           Path("second.vmmw")});
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  ASSERT_TRUE(engine::LoadWeights(Path("shared.vmmw"), *blend).ok());
  EXPECT_LT(MaxDeviationFromMix(*blend, 0.25), 1e-6);

  const struct {
    std::vector<std::string> arguments;
    std::string message;
  } bad[] = {
      {{"--out", Path("bad.vmmw"), Path("first.vmmw"), Path("second.vmmw"), "--shares", "1"},
       "vmm-blend-weights: 1 shares for 2 files"},
      {{"--out", Path("bad.vmmw"), Path("first.vmmw"), Path("second.vmmw"), "--shares",
        "0.7,0.7"},
       "vmm-blend-weights: the shares sum to 1.4"},
      {{"--out", Path("bad.vmmw"), Path("first.vmmw"), Path("second.vmmw"), "--shares",
        "half,0.5"},
       "'half' is not a number"},
      {{Path("first.vmmw"), Path("second.vmmw")}, "--out is required"},
  };
  for (const auto& c : bad) {
    const integration::CommandResult result = run(c.arguments);
    EXPECT_EQ(result.exit_code, 1) << c.message;
    EXPECT_TRUE(absl::StrContains(result.err, c.message)) << result.err;
  }
  EXPECT_FALSE(fs::exists(Path("bad.vmmw")));
}

}  // namespace
}  // namespace vmm::train
