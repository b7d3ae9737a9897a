// The few-outputs convolution (engine/few_outputs_convolution.h) equals LibTorch's convolution
// behind reflection padding for both lane counts, every output count it takes, rings narrower
// and wider than the kernel's half, and frames barely larger than that half.
#include "engine/few_outputs_convolution.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/layers.h"
#include "tests/engine/tensor_comparison.h"

namespace vmm::engine {
namespace {

// [N, C, H, W] with a reflection ring of `ring` as [N, C/L, H+2r, W+2r, L].
torch::Tensor Blocked(const torch::Tensor& x, int64_t lanes, int64_t ring) {
  const torch::Tensor padded = ReflectPad(x, ring);
  return padded.view({x.size(0), x.size(1) / lanes, lanes, padded.size(2), padded.size(3)})
      .permute({0, 1, 3, 4, 2})
      .contiguous();
}

TEST(FewOutputsConvolutionTest, EqualsLibTorchBehindReflectionPadding) {
  torch::manual_seed(4);
  for (int64_t lanes : {8, 16}) {
    for (int64_t outputs : {1, 3, 4}) {
      for (int64_t kernel : {3, 7}) {
        for (int64_t ring : {0, 1, 3}) {
          for (auto [h, w] : {std::pair<int64_t, int64_t>{9, 13}, {kernel / 2 + 1, 11}}) {
            if (ring >= h) continue;  // a ring must be narrower than the frame
            SCOPED_TRACE(testing::Message() << lanes << " lanes, " << outputs << " outputs, k"
                                            << kernel << ", ring " << ring << ", " << h << "x"
                                            << w);
            const torch::Tensor x = torch::randn({2, 32, h, w});
            const torch::Tensor weight = UnitGainWeights(outputs, 32, kernel);
            const torch::Tensor expected = torch::conv2d(ReflectPad(x, kernel / 2), weight);
            const torch::Tensor actual =
                FewOutputsConvolution(weight).Run(Blocked(x, lanes, ring), ring);
            ASSERT_EQ(actual.sizes(), expected.sizes());
            EXPECT_LT(RelativeDifference(actual, expected), 1e-5);
          }
        }
      }
    }
  }
}

TEST(FewOutputsConvolutionTest, RefusesWhatItCannotCompute) {
  EXPECT_THROW(FewOutputsConvolution(torch::zeros({5, 32, 7, 7})), c10::Error);  // 5 outputs
  EXPECT_THROW(FewOutputsConvolution(torch::zeros({3, 12, 7, 7})), c10::Error);  // 12 inputs
  EXPECT_THROW(FewOutputsConvolution(torch::zeros({3, 32, 4, 4})), c10::Error);  // even kernel
  const FewOutputsConvolution convolution(torch::zeros({3, 32, 7, 7}));
  EXPECT_THROW(convolution.Run(torch::zeros({1, 2, 9, 9, 8}), 0), c10::Error);   // 16 channels
  EXPECT_THROW(convolution.Run(torch::zeros({1, 4, 3, 9, 8}), 0), c10::Error);   // too short
  EXPECT_THROW(convolution.Run(torch::zeros({1, 4, 9, 9, 8}), 5), c10::Error);   // ring > size
}

}  // namespace
}  // namespace vmm::engine
