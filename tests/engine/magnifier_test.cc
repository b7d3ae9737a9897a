// The Magnifier pairs the right frames in each mode: its outputs equal the network applied to
// explicitly chosen pairs, computed the plain way; by default it limits their chroma.
#include "engine/magnifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/frame_tensors.h"
#include "engine/reference_forward.h"

namespace vmm::engine {
namespace {

using ::testing::HasSubstr;

class MagnifierTest : public ::testing::Test {
 protected:
  MagnifierTest() {
    // Weights large enough that different frame pairs give visibly different outputs.
    torch::manual_seed(5);
    {
      torch::NoGradGuard no_grad;
      for (auto& p : net_->parameters()) {
        p.normal_(0, std::sqrt(1.0 / (p.size(1) * p.size(2) * p.size(3))));
      }
    }
    net_->eval();
    ConvertToChannelsLast(*net_);
    torch::manual_seed(3);
    // Odd size: exercises padding to a multiple of 4 and cropping back.
    video_ = torch::randint(0, 256, {6, 27, 33, 3}, torch::kUInt8);
  }

  // Output frame of the network for the pair (reference, current) with `alpha`, plain NCHW.
  torch::Tensor Expected(int64_t reference, int64_t current, double alpha) {
    torch::Tensor a = FramesToNetworkInput(video_.narrow(0, reference, 1), torch::kCPU).contiguous();
    torch::Tensor b = FramesToNetworkInput(video_.narrow(0, current, 1), torch::kCPU).contiguous();
    Encoding ea = ReferenceEncode(*net_, a);
    Encoding eb = ReferenceEncode(*net_, b);
    torch::Tensor shape = ReferenceManipulate(*net_, eb.shape - ea.shape, eb.shape,
                                              torch::tensor(static_cast<float>(alpha)));
    return NetworkOutputToFrames(ReferenceDecode(*net_, eb.texture, shape), 27, 33);
  }

  torch::Tensor RunAll(const MagnifyParams& params, int batch) {
    auto magnifier = Magnifier::Create(net_, params, torch::kCPU);
    EXPECT_TRUE(magnifier.ok()) << magnifier.status();
    std::vector<torch::Tensor> outputs;
    for (int64_t start = 0; start < video_.size(0); start += batch) {
      const int64_t count = std::min<int64_t>(batch, video_.size(0) - start);
      auto out = (*magnifier)->Push(video_.narrow(0, start, count));
      EXPECT_TRUE(out.ok()) << out.status();
      outputs.push_back(*out);
    }
    auto rest = (*magnifier)->Flush();
    EXPECT_TRUE(rest.ok());
    outputs.push_back(*rest);
    return torch::cat(outputs);
  }

  // The network's own output, which these tests compare against: the chroma limit off; fs
  // given (the pipeline fills it from the video), so that temporal mode can be built too.
  static MagnifyParams PlainParams() {
    MagnifyParams params;
    params.limit_chroma = false;
    params.sample_rate_hz = 30;
    return params;
  }

  // Rounding to 8 bits may differ by one level where the float results straddle a boundary.
  static void ExpectFramesNear(const torch::Tensor& actual, const torch::Tensor& expected) {
    ASSERT_EQ(actual.sizes(), expected.sizes());
    const auto diff = (actual.to(torch::kInt32) - expected.to(torch::kInt32)).abs();
    EXPECT_LE(diff.max().item<int>(), 1);
  }

  MagnificationNet net_;
  torch::Tensor video_;
};

TEST_F(MagnifierTest, StaticModePairsEveryFrameWithTheFirst) {
  MagnifyParams params = PlainParams();
  params.alpha = 8;
  torch::Tensor out = RunAll(params, 4);
  ASSERT_EQ(out.size(0), 6);
  for (int64_t t = 0; t < 6; ++t) ExpectFramesNear(out[t].unsqueeze(0), Expected(0, t, 8));
}

TEST_F(MagnifierTest, StaticModeUsesTheChosenReferenceEvenWhenItArrivesLater) {
  MagnifyParams params = PlainParams();
  params.alpha = 8;
  params.reference_frame = 3;
  torch::Tensor out = RunAll(params, 2);
  ASSERT_EQ(out.size(0), 6);
  for (int64_t t = 0; t < 6; ++t) ExpectFramesNear(out[t].unsqueeze(0), Expected(3, t, 8));
  // The test can fail: another reference gives visibly different frames.
  EXPECT_GT((Expected(0, 5, 8).to(torch::kInt32) - Expected(3, 5, 8).to(torch::kInt32))
                .abs().max().item<int>(), 2);
}

TEST_F(MagnifierTest, SetReferenceAvoidsHoldingFrames) {
  MagnifyParams params = PlainParams();
  params.alpha = 8;
  params.reference_frame = 4;
  auto magnifier = Magnifier::Create(net_, params, torch::kCPU);
  ASSERT_TRUE(magnifier.ok());
  ASSERT_TRUE((*magnifier)->SetReference(video_[4]).ok());
  auto out = (*magnifier)->Push(video_.narrow(0, 0, 2));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(0), 2);
  EXPECT_EQ((*magnifier)->pending(), 0);
  ExpectFramesNear((*out)[1].unsqueeze(0), Expected(4, 1, 8));
}

TEST_F(MagnifierTest, DynamicModePairsEveryFrameWithThePreviousAcrossBatches) {
  MagnifyParams params = PlainParams();
  params.mode = Mode::kDynamic;
  params.alpha = 5;
  torch::Tensor out = RunAll(params, 4);
  ASSERT_EQ(out.size(0), 6);
  ExpectFramesNear(out[0].unsqueeze(0), Expected(0, 0, 5));
  for (int64_t t = 1; t < 6; ++t) ExpectFramesNear(out[t].unsqueeze(0), Expected(t - 1, t, 5));
}

TEST_F(MagnifierTest, BatchSizeDoesNotChangeTheResult) {
  MagnifyParams params = PlainParams();
  params.mode = Mode::kDynamic;
  params.alpha = 5;
  ExpectFramesNear(RunAll(params, 1), RunAll(params, 5));
}

TEST_F(MagnifierTest, TemporalModeOnAStillVideoChangesNothingAtAnyAlpha) {
  // A band-pass of a constant signal is zero, so frames come out as at alpha = 1.
  video_ = video_[0].unsqueeze(0).repeat({6, 1, 1, 1});
  for (auto kind : {FilterKind::kFir, FilterKind::kButterworth, FilterKind::kDifferenceOfIir,
                    FilterKind::kAcceleration}) {
    MagnifyParams params = PlainParams();
    params.mode = Mode::kTemporal;
    params.filter = kind;
    params.alpha = 50;
    params.low_hz = 1;
    params.high_hz = 4;
    params.sample_rate_hz = 30;
    params.taps = 5;
    torch::Tensor out = RunAll(params, 4);
    ASSERT_EQ(out.size(0), 6) << FilterKindName(kind);
    for (int64_t t = 0; t < 6; ++t) ExpectFramesNear(out[t].unsqueeze(0), Expected(0, 0, 1));
  }
}

TEST_F(MagnifierTest, FirHoldsBackOnlyItsDelay) {
  MagnifyParams params = PlainParams();
  params.mode = Mode::kTemporal;
  params.filter = FilterKind::kFir;
  params.low_hz = 1;
  params.high_hz = 4;
  params.sample_rate_hz = 30;
  params.taps = 5;
  auto magnifier = Magnifier::Create(net_, params, torch::kCPU);
  ASSERT_TRUE(magnifier.ok());
  auto out = (*magnifier)->Push(video_.narrow(0, 0, 4));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(0), 2);
  EXPECT_EQ((*magnifier)->pending(), 2);
  auto rest = (*magnifier)->Flush();
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(0), 2);
}

TEST_F(MagnifierTest, RefusesBadFramesAndSizeChanges) {
  auto magnifier = Magnifier::Create(net_, MagnifyParams{}, torch::kCPU);
  ASSERT_TRUE(magnifier.ok());
  auto wrong_type = (*magnifier)->Push(torch::zeros({1, 8, 8, 3}));
  EXPECT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE((*magnifier)->Push(video_.narrow(0, 0, 1)).ok());
  auto resized = (*magnifier)->Push(torch::zeros({1, 28, 33, 3}, torch::kUInt8));
  EXPECT_EQ(resized.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(resized.status().message(), HasSubstr("frame size changed"));
}

// Under a cancel flag a large batch is encoded a few frames at a time (so a stop is quick): the
// frames are the same as in one pass.
TEST_F(MagnifierTest, ABatchEncodedInChunksUnderACancelFlagGivesTheSameFrames) {
  for (Mode mode : {Mode::kStatic, Mode::kDynamic, Mode::kTemporal}) {
    MagnifyParams params = PlainParams();
    params.mode = mode;
    params.alpha = 4;
    auto whole = Magnifier::Create(net_, params, torch::kCPU);
    auto chunked = Magnifier::Create(net_, params, torch::kCPU);
    ASSERT_TRUE(whole.ok() && chunked.ok());
    std::atomic<bool> cancel{false};
    (*chunked)->SetCancelFlag(&cancel);
    absl::StatusOr<torch::Tensor> a = (*whole)->Push(video_);  // 6 frames: more than one chunk
    absl::StatusOr<torch::Tensor> b = (*chunked)->Push(video_);
    ASSERT_TRUE(a.ok() && b.ok()) << static_cast<int>(mode);
    ExpectFramesNear(*b, *a);
  }
}

TEST_F(MagnifierTest, CancelStopsInsideABatchInEveryMode) {
  for (Mode mode : {Mode::kStatic, Mode::kDynamic, Mode::kTemporal}) {
    MagnifyParams params = PlainParams();
    params.mode = mode;
    params.alpha = 4;
    auto magnifier = Magnifier::Create(net_, params, torch::kCPU);
    ASSERT_TRUE(magnifier.ok());
    std::atomic<bool> cancel{false};
    (*magnifier)->SetCancelFlag(&cancel);
    ASSERT_TRUE((*magnifier)->Push(video_.narrow(0, 0, 2)).ok());
    cancel = true;
    auto stopped = (*magnifier)->Push(video_.narrow(0, 2, 4));
    if (mode == Mode::kTemporal && stopped.ok()) {
      // A zero-phase filter may still be filling up: nothing decoded, nothing to stop yet.
      EXPECT_EQ(stopped->size(0), 0);
      stopped = (*magnifier)->Flush();
    }
    EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << static_cast<int>(mode);
  }
}

TEST_F(MagnifierTest, DecoderWithAStopFlagGivesUpButOtherwiseMatches) {
  torch::InferenceMode inference;
  torch::Tensor input = FramesToNetworkInput(video_.narrow(0, 0, 2), torch::kCPU);
  Encoding encoding = net_->encoder->forward(input);
  std::atomic<bool> stop{false};
  torch::Tensor full = net_->decoder->forward(encoding.texture, encoding.shape, &stop);
  EXPECT_TRUE(torch::equal(full, net_->decoder->forward(encoding.texture, encoding.shape)));
  stop = true;
  EXPECT_FALSE(net_->decoder->forward(encoding.texture, encoding.shape, &stop).defined());
}

TEST_F(MagnifierTest, RefusesInvalidParameters) {
  MagnifyParams params = PlainParams();
  params.alpha = -1;
  auto magnifier = Magnifier::Create(net_, params, torch::kCPU);
  EXPECT_EQ(magnifier.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MagnifierTest, LimitsChromaByDefaultToEachOutputsOwnInput) {
  // Frame t: a random grey texture tinted by its own constant (dr, db), so that all its pixels
  // have one chroma. With these random weights the network paints other colours; the limit
  // brings every output pixel back to the chroma of the frame it was made from, in every mode
  // (temporal mode holds frames back, so its outputs must pair with their delayed inputs).
  {
    // Outputs near mid-grey instead of mostly clipped: a smaller last convolution.
    torch::NoGradGuard no_grad;
    net_->parameters().back().mul_(0.02);
  }
  const torch::Tensor grey = torch::randint(40, 200, {6, 27, 33, 1}, torch::kInt32);
  std::vector<torch::Tensor> frames;
  for (int t = 0; t < 6; ++t) {
    const torch::Tensor tint = torch::tensor({30 - 10 * t, 0, -20 + 8 * t}, torch::kInt32);
    frames.push_back((grey[t] + tint).unsqueeze(0));
  }
  video_ = torch::cat(frames).to(torch::kUInt8);
  // Largest distance of output t's (B - Y, R - Y) from frame t's tint, in 8-bit levels, over the
  // pixels none of whose channels the 8-bit range clipped (which can't keep the tint).
  auto chroma_error = [&](const torch::Tensor& out, int t) {
    const torch::Tensor f = out[t].to(torch::kFloat), in = video_[t].to(torch::kFloat);
    auto chroma = [](const torch::Tensor& rgb) {
      const torch::Tensor y = 0.299 * rgb.select(2, 0) + 0.587 * rgb.select(2, 1) +
                              0.114 * rgb.select(2, 2);
      return torch::stack({rgb.select(2, 2) - y, rgb.select(2, 0) - y});
    };
    const torch::Tensor unclipped = ((f > 0) & (f < 255)).all(2);
    EXPECT_GT(unclipped.sum().item<int64_t>(), f.size(0) * f.size(1) / 4);
    return ((chroma(f) - chroma(in)).abs() * unclipped).max().item<float>();
  };
  const torch::Tensor plain = RunAll(PlainParams(), 4);
  EXPECT_GT(chroma_error(plain, 3), 5);
  for (Mode mode : {Mode::kStatic, Mode::kDynamic, Mode::kTemporal}) {
    MagnifyParams params;
    params.mode = mode;
    params.alpha = 8;
    params.sample_rate_hz = 30;
    params.filter = FilterKind::kFir;
    params.low_hz = 2;
    params.high_hz = 8;
    params.taps = 5;
    ASSERT_TRUE(params.limit_chroma);
    const torch::Tensor out = RunAll(params, 4);
    ASSERT_EQ(out.size(0), 6) << ModeName(mode);
    for (int t = 0; t < 6; ++t) EXPECT_LE(chroma_error(out, t), 1.5) << ModeName(mode) << " " << t;
  }
}

}  // namespace
}  // namespace vmm::engine
