// Shapes, parameter count and the fast inference path against the plain computation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/layers.h"
#include "engine/network.h"
#include "engine/onednn_convolution.h"
#include "engine/reference_forward.h"

namespace vmm::engine {
namespace {

MagnificationNet RandomNet(uint64_t seed) {
  MagnificationNet net;
  InitWeightsTruncatedNormal(*net, seed);
  net->eval();
  return net;
}

TEST(NetworkTest, HasTheReleasedParameterCount) {
  MagnificationNet net;
  int64_t count = 0;
  for (const auto& p : net->parameters()) count += p.numel();
  // Encoder 145,200 + manipulator 77,824 + decoder 695,904 (no biases).
  EXPECT_EQ(count, 918928);
}

TEST(NetworkTest, RepresentationShapesForEvenAndOddMultiplesOfFour) {
  MagnificationNet net = RandomNet(1);
  torch::NoGradGuard no_grad;
  for (auto [h, w] : {std::pair<int64_t, int64_t>{32, 48}, {36, 44}, {20, 28}}) {
    torch::Tensor x = torch::rand({2, 3, h, w}) * 2 - 1;
    Encoding e = net->encoder->forward(x);
    EXPECT_EQ(e.texture.sizes(), torch::IntArrayRef({2, 32, h / 4, w / 4}));
    EXPECT_EQ(e.shape.sizes(), torch::IntArrayRef({2, 32, h / 2, w / 2}));
    torch::Tensor y = net->forward(x, x, torch::tensor({2.0f, 5.0f})).magnified;
    EXPECT_EQ(y.sizes(), x.sizes());
  }
}

TEST(NetworkTest, ReflectPadMatchesLibTorchAndKeepsChannelsLast) {
  torch::Tensor x = torch::rand({1, 5, 7, 9}).contiguous(torch::MemoryFormat::ChannelsLast);
  torch::NoGradGuard no_grad;
  for (int pad : {1, 3}) {
    torch::Tensor ours = ReflectPad(x, pad);
    torch::Tensor theirs = torch::nn::functional::pad(
        x.contiguous(), torch::nn::functional::PadFuncOptions({pad, pad, pad, pad}).mode(torch::kReflect));
    EXPECT_TRUE(torch::equal(ours, theirs)) << "pad " << pad;
    EXPECT_TRUE(ours.is_contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

TEST(NetworkTest, SamePaddingPutsTheExtraRowAtTheBottomRight) {
  torch::Tensor x = torch::ones({1, 1, 4, 6});
  torch::Tensor padded = SamePadForStride(x, 3, 2);
  ASSERT_EQ(padded.sizes(), torch::IntArrayRef({1, 1, 5, 7}));
  EXPECT_EQ(padded[0][0][0][0].item<float>(), 1.0f);  // no padding at the top left
  EXPECT_EQ(padded[0][0][4][6].item<float>(), 0.0f);  // zeros at the bottom right
}

// Fast path (channels-last, oneDNN's Winograd convolutions where available, and without them)
// against the plain NCHW computation, with weights that keep activations of order one.
TEST(NetworkTest, FastPathsEqualPlainNchwComputation) {
  MagnificationNet net;
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(2);
    for (auto& p : net->parameters()) {
      p.normal_(0, std::sqrt(1.0 / (p.size(1) * p.size(2) * p.size(3))));
    }
  }
  net->eval();
  ConvertToChannelsLast(*net);
  torch::Tensor a = (torch::rand({2, 3, 36, 52}) * 2 - 1);
  torch::Tensor b = (torch::rand({2, 3, 36, 52}) * 2 - 1);
  torch::Tensor alpha = torch::tensor(20.0f);
  Encoding ea = ReferenceEncode(*net, a);
  Encoding eb = ReferenceEncode(*net, b);
  torch::Tensor plain = ReferenceDecode(
      *net, eb.texture, ReferenceManipulate(*net, eb.shape - ea.shape, eb.shape, alpha));
  // These weights give outputs far beyond [-1, 1] (about 100): the bound is relative, 1e-4 of a
  // unit output with margin (the bench measures trained weights: under 1e-6).
  const double scale = plain.abs().max().item<double>();
  ASSERT_GT(scale, 0.5);
  for (bool onednn : {true, false}) {
    OneDnnConvolution::SetEnabled(onednn);
    torch::Tensor fast;
    {
      c10::InferenceMode inference;
      auto cl = torch::MemoryFormat::ChannelsLast;
      Encoding fa = net->encoder->forward(a.contiguous(cl));
      Encoding fb = net->encoder->forward(b.contiguous(cl));
      fast = net->decoder->forward(fb.texture,
                                   net->manipulator->forward(fb.shape - fa.shape, fb.shape, alpha));
    }
    EXPECT_LT((fast - plain).abs().max().item<double>() / scale, 2e-5) << "oneDNN " << onednn;
  }
  OneDnnConvolution::SetEnabled(true);
}

TEST(NetworkTest, AlphaOneLeavesTheShapeUnchanged) {
  MagnificationNet net = RandomNet(3);
  torch::NoGradGuard no_grad;
  torch::Tensor base = torch::rand({1, 32, 10, 12});
  torch::Tensor motion = torch::rand({1, 32, 10, 12});
  torch::Tensor out = net->manipulator->forward(motion, base, torch::tensor(1.0f));
  EXPECT_TRUE(torch::equal(out, base));
}

TEST(NetworkTest, TrainingPathHasGradientsForEveryParameter) {
  MagnificationNet net = RandomNet(4);
  net->train();
  torch::Tensor a = torch::rand({1, 3, 16, 16}) * 2 - 1;
  torch::Tensor b = torch::rand({1, 3, 16, 16}) * 2 - 1;
  auto out = net->forward(a, b, torch::tensor({4.0f}));
  out.magnified.abs().mean().backward();
  for (const auto& p : net->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0) << p.key();
  }
}

TEST(NetworkTest, MacsPerFrameMatchesTheReleasedCostAt640x480) {
  // About 75 GMAC per 640x480 frame with each frame encoded once (NOTES.md).
  const double gmacs = MacsPerFrame(480, 640) / 1e9;
  EXPECT_GT(gmacs, 70);
  EXPECT_LT(gmacs, 80);
}

}  // namespace
}  // namespace vmm::engine
