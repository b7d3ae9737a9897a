// RawFrameMagnifier, the live path: raw frames in, the same frames engine::Magnifier gives back
// out (converted to the stream's pixel format), in order, a causal filter holding none back; bad
// frames and parameters refused.
#include "pipeline/magnify_frames.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <vector>

#include "engine/layers.h"
#include "engine/magnifier.h"
#include "engine/network.h"
#include "media/raw_frames.h"

namespace vmm::pipeline {
namespace {

using ::testing::HasSubstr;

class MagnifyFramesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::MagnificationNet net;
    engine::InitWeightsTruncatedNormal(*net, 9);
    net->eval();
    model_.net = net;
    model_.device = torch::kCPU;
    frames_ = torch::randint(0, 256, {5, 24, 32, 3}, torch::kUInt8);
    params_.limit_chroma = false;
  }

  std::vector<uint8_t> Raw(int64_t t) const {
    const torch::Tensor frame = frames_[t].contiguous();
    const uint8_t* pixels = frame.data_ptr<uint8_t>();
    return std::vector<uint8_t>(pixels, pixels + 24 * 32 * 3);
  }

  engine::LoadedModel model_;
  torch::Tensor frames_;
  common::MagnifyParams params_;
};

TEST_F(MagnifyFramesTest, GivesTheEnginesFramesInOrder) {
  params_.mode = common::Mode::kTemporal;
  params_.filter = common::FilterKind::kButterworth;
  params_.low_hz = 1;
  params_.high_hz = 5;  // fs: the live default, 30
  absl::StatusOr<std::unique_ptr<RawFrameMagnifier>> live =
      RawFrameMagnifier::Create(model_, params_, 32, 24, "rgb24");
  ASSERT_TRUE(live.ok()) << live.status();
  common::MagnifyParams direct_params = params_;
  direct_params.sample_rate_hz = common::kLiveDefaultSampleRateHz;
  absl::StatusOr<std::unique_ptr<engine::Magnifier>> direct =
      engine::Magnifier::Create(model_.net, direct_params, torch::kCPU);
  ASSERT_TRUE(direct.ok()) << direct.status();
  for (int64_t t = 0; t < 5; ++t) {
    const std::vector<uint8_t> raw = Raw(t);
    absl::StatusOr<std::vector<std::vector<uint8_t>>> out =
        (*live)->Push(raw.data(), raw.size());
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_EQ(out->size(), 1u) << "a causal filter holds nothing back";
    absl::StatusOr<torch::Tensor> expected = (*direct)->Push(frames_.narrow(0, t, 1));
    ASSERT_TRUE(expected.ok());
    const torch::Tensor frame = expected->contiguous();
    EXPECT_EQ((*out)[0], std::vector<uint8_t>(frame.data_ptr<uint8_t>(),
                                              frame.data_ptr<uint8_t>() + 24 * 32 * 3))
        << "frame " << t;
  }
  absl::StatusOr<std::vector<std::vector<uint8_t>>> rest = (*live)->Flush();
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty());
  EXPECT_GT((*live)->times().network.decoder, 0);
  EXPECT_GT((*live)->times().decode, 0);
}

TEST_F(MagnifyFramesTest, OtherPixelFormatsComeBackInTheirOwnFormat) {
  absl::StatusOr<std::unique_ptr<RawFrameMagnifier>> live =
      RawFrameMagnifier::Create(model_, params_, 32, 24, "yuv420p");
  ASSERT_TRUE(live.ok()) << live.status();
  std::vector<uint8_t> yuv(32 * 24 * 3 / 2, 128);
  absl::StatusOr<std::vector<std::vector<uint8_t>>> out = (*live)->Push(yuv.data(), yuv.size());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].size(), yuv.size());
}

TEST_F(MagnifyFramesTest, BadFramesAndParametersAreRefused) {
  absl::StatusOr<std::unique_ptr<RawFrameMagnifier>> live =
      RawFrameMagnifier::Create(model_, params_, 32, 24, "rgb24");
  ASSERT_TRUE(live.ok());
  std::vector<uint8_t> short_frame(100, 0);
  EXPECT_EQ((*live)->Push(short_frame.data(), short_frame.size()).status().code(),
            absl::StatusCode::kInvalidArgument);
  params_.mode = common::Mode::kTemporal;
  params_.filter = common::FilterKind::kFir;
  absl::StatusOr<std::unique_ptr<RawFrameMagnifier>> fir =
      RawFrameMagnifier::Create(model_, params_, 32, 24, "rgb24");
  EXPECT_EQ(fir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(fir.status().message(), HasSubstr("fir needs future frames"));
  params_ = common::MagnifyParams();
  EXPECT_FALSE(RawFrameMagnifier::Create(model_, params_, 32, 24, "no-such-format").ok());
}

}  // namespace
}  // namespace vmm::pipeline
