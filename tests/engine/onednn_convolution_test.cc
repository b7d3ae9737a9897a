// The oneDNN blocked path: layout conversions are exact, oneDNN's convolutions (Winograd for 3x3)
// equal LibTorch's, the layers' blocked forward equals their ordinary forward with reflection
// padding, and weights changed in place are picked up.
#include "engine/onednn_convolution.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/blocked_layout.h"
#include "engine/kernel_choice.h"
#include "engine/layers.h"
#include "tests/engine/tensor_comparison.h"

namespace vmm::engine {
namespace {

TEST(BlockedLayoutTest, PlacesEveryChannelInItsBlockAndLaneAndRoundTrips) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({2, 48, 5, 7});
  for (const torch::Tensor& input : {x, x.contiguous(torch::MemoryFormat::ChannelsLast)}) {
    const int64_t lanes = ChannelBlock();
    const torch::Tensor blocked = ToBlocked(input);
    ASSERT_EQ(blocked.sizes(), torch::IntArrayRef({2, 48 / lanes, 5, 7, lanes}));
    EXPECT_TRUE(blocked.is_contiguous());
    EXPECT_EQ(blocked[1][37 / lanes][4][6][37 % lanes].item<float>(), x[1][37][4][6].item<float>());
    EXPECT_EQ(blocked[0][0][0][0][0].item<float>(), x[0][0][0][0].item<float>());
    const torch::Tensor back = FromBlocked(blocked);
    EXPECT_TRUE(back.is_contiguous(torch::MemoryFormat::ChannelsLast));
    EXPECT_TRUE(torch::equal(back, x));
  }
}

TEST(BlockedLayoutTest, RingsMirrorTheInteriorThroughConversionAndUpsampling) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({2, 32, 6, 9});
  const torch::Tensor ringed = ToBlocked(x, 2);
  ASSERT_EQ(ringed.sizes(), torch::IntArrayRef({2, 32 / ChannelBlock(), 10, 13, ChannelBlock()}));
  EXPECT_TRUE(torch::equal(FromBlocked(ringed, 2), x));
  // The whole ringed tensor is the reflection-padded input.
  EXPECT_TRUE(torch::equal(FromBlocked(ringed), ReflectPad(x, 2)));
  const torch::Tensor up = UpsampleNearest2xBlocked(ToBlocked(x, 1), 1);
  EXPECT_TRUE(torch::equal(FromBlocked(up), ReflectPad(UpsampleNearest2x(x), 1)));
}

class OneDnnConvolutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OneDnnConvolution::Available()) GTEST_SKIP() << "this build has no oneDNN";
    torch::manual_seed(2);
  }
};

TEST_F(OneDnnConvolutionTest, EqualsLibTorchWithZeroPaddingAndFusedRelu) {
  struct Case {
    int64_t in, out, kernel, height, width;
  };
  for (const Case& c : {Case{64, 64, 3, 40, 56}, Case{32, 32, 7, 17, 23}, Case{64, 32, 3, 9, 11},
                        Case{32, 64, 3, 2, 3}}) {
    const torch::Tensor weight = UnitGainWeights(c.out, c.in, c.kernel);
    const torch::Tensor input = torch::randn({3, c.in, c.height, c.width});
    const torch::Tensor expected = torch::conv2d(input, weight, {}, 1, c.kernel / 2);
    OneDnnConvolution convolution(weight);
    for (bool relu : {false, true}) {
      const torch::Tensor output = convolution.Run(ToBlocked(input), relu);
      // Every ISA the engine supports has a kernel for these shapes that is not a reference one.
      ASSERT_TRUE(output.defined()) << c.in << "->" << c.out << " k" << c.kernel << " on "
                                    << OneDnnIsa();
      EXPECT_FALSE(IsReferenceKernel(convolution.last_kernel()));
      const torch::Tensor actual = FromBlocked(output);
      EXPECT_LT(RelativeDifference(actual, relu ? expected.relu() : expected), 1e-5)
          << c.in << "->" << c.out << " k" << c.kernel << " " << c.height << "x" << c.width
          << " relu " << relu << " kernel " << convolution.last_kernel();
    }
  }
}

TEST_F(OneDnnConvolutionTest, RefusesInputsOfTheWrongLayout) {
  OneDnnConvolution convolution(UnitGainWeights(16, 32, 3));
  const int64_t lanes = ChannelBlock();
  EXPECT_THROW(convolution.Run(torch::zeros({1, 16 / lanes, 4, 4, lanes}), false),
               c10::Error);                                                         // 16 != 32
  EXPECT_THROW(convolution.Run(torch::zeros({1, 32, 4, 4}), false), c10::Error);     // not blocked
  EXPECT_THROW(OneDnnConvolution(torch::zeros({3, 32, 7, 7})), c10::Error);         // 3 outputs
}

TEST_F(OneDnnConvolutionTest, LayersGiveTheirOrdinaryForwardWithReflectionPadding) {
  for (int64_t kernel : {3, 7}) {
    PaddedConv conv(32, 48, kernel);
    conv->conv->weight.set_data(UnitGainWeights(48, 32, kernel));
    torch::InferenceMode inference;
    // Odd sizes, and the smallest a ring allows.
    for (auto [h, w] : {std::pair<int64_t, int64_t>{13, 19}, {kernel / 2 + 1, kernel + 2}}) {
      const int64_t ring = kernel / 2;
      const torch::Tensor input = torch::randn({2, 32, h, w});
      const torch::Tensor expected = conv->forward(input);
      const torch::Tensor output = conv->forward_blocked(ToBlocked(input, ring), false);
      EXPECT_LT(RelativeDifference(FromBlocked(output, ring), expected), 1e-5)
          << kernel << " " << h << "x" << w;
      // The output's ring mirrors its interior, ready for the next layer.
      EXPECT_LT(RelativeDifference(FromBlocked(output), ReflectPad(expected, ring)), 1e-5);
      EXPECT_LT(RelativeDifference(
                    FromBlocked(conv->forward_blocked(ToBlocked(input, ring), true), ring),
                    expected.relu()),
                1e-5);
    }
  }
  ResidualBlock block(32);
  for (auto& p : block->parameters()) p.set_data(UnitGainWeights(32, 32, 3));
  torch::InferenceMode inference;
  const torch::Tensor input = torch::randn({2, 32, 15, 10});
  EXPECT_LT(RelativeDifference(FromBlocked(block->forward_blocked(ToBlocked(input, 1)), 1),
                               block->forward(input)),
            1e-5);
}

TEST_F(OneDnnConvolutionTest, WeightsChangedInPlaceAreUsed) {
  PaddedConv conv(16, 16, 3);
  conv->conv->weight.set_data(UnitGainWeights(16, 16, 3));
  const torch::Tensor input = ToBlocked(torch::randn({1, 16, 8, 8}), 1);
  torch::Tensor before, after;
  {
    torch::InferenceMode inference;
    before = conv->forward_blocked(input, false);
  }
  {
    torch::NoGradGuard no_grad;
    conv->conv->weight.mul_(-2);  // as an optimiser step would, in place
  }
  {
    torch::InferenceMode inference;
    after = conv->forward_blocked(input, false);
  }
  EXPECT_LT(RelativeDifference(after, before * -2), 1e-5);
}

}  // namespace
}  // namespace vmm::engine
