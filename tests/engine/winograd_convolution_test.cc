// The engine's own Winograd F(4x4, 3x3): equal to LibTorch's zero-padded convolution for both
// channel blocks, sizes that are and are not multiples of the tile, with and without ReLU; it
// refuses what it cannot compute.
#include "engine/winograd_convolution.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tests/engine/tensor_comparison.h"

namespace vmm::engine {
namespace {

// [N, C, H, W] to [N, C/L, H, W, L].
torch::Tensor Block(const torch::Tensor& x, int64_t lanes) {
  return x.view({x.size(0), x.size(1) / lanes, lanes, x.size(2), x.size(3)})
      .permute({0, 1, 3, 4, 2})
      .contiguous();
}

// [N, O/L, H, W, L] to [N, O, H, W].
torch::Tensor Unblock(const torch::Tensor& x) {
  return x.permute({0, 1, 4, 2, 3}).reshape({x.size(0), x.size(1) * x.size(4), x.size(2), x.size(3)});
}

class WinogradConvolutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!WinogradConvolution3x3::Available()) GTEST_SKIP() << "this build has no oneDNN";
    torch::manual_seed(5);
  }
};

TEST_F(WinogradConvolutionTest, EqualsLibTorchForBothChannelBlocks) {
  struct Case {
    int64_t in, out, height, width;
  };
  for (int64_t lanes : {8, 16}) {
    for (const Case& c : {Case{64, 64, 40, 56}, Case{32, 32, 17, 23}, Case{64, 32, 9, 11},
                          Case{32, 64, 2, 3}, Case{16, 16, 1, 1}}) {
      const torch::Tensor weight = UnitGainWeights(c.out, c.in, 3);
      const torch::Tensor input = torch::randn({3, c.in, c.height, c.width});
      const torch::Tensor expected = torch::conv2d(input, weight, {}, 1, 1);
      const WinogradConvolution3x3 convolution(weight, lanes);
      for (bool relu : {false, true}) {
        const torch::Tensor actual = Unblock(convolution.Run(Block(input, lanes), relu));
        EXPECT_LT(RelativeDifference(actual, relu ? expected.relu() : expected), 1e-5)
            << lanes << " lanes, " << c.in << "->" << c.out << " " << c.height << "x" << c.width
            << " relu " << relu << " (" << WinogradConvolution3x3::TransformVariant() << ")";
      }
    }
  }
}

TEST_F(WinogradConvolutionTest, RefusesWhatItCannotCompute) {
  EXPECT_THROW(WinogradConvolution3x3(torch::zeros({16, 16, 5, 5}), 8), c10::Error);  // 5x5
  EXPECT_THROW(WinogradConvolution3x3(torch::zeros({12, 16, 3, 3}), 8), c10::Error);  // 12 outputs
  EXPECT_THROW(WinogradConvolution3x3(torch::zeros({16, 16, 3, 3}), 4), c10::Error);  // 4 lanes
  const WinogradConvolution3x3 convolution(torch::zeros({16, 32, 3, 3}), 8);
  EXPECT_THROW(convolution.Run(torch::zeros({1, 2, 4, 4, 16}), false), c10::Error);  // 16 lanes
  EXPECT_THROW(convolution.Run(torch::zeros({1, 1, 4, 4, 8}), false), c10::Error);   // 8 channels
}

}  // namespace
}  // namespace vmm::engine
