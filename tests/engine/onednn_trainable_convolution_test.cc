// The training convolutions through oneDNN's Winograd kernels: their outputs and gradients equal
// LibTorch's reflection-padded convolution's and residual blocks', and a whole network's
// gradients do not change when the trainer switches to them beyond float32 rounding.
#include "engine/onednn_trainable_convolution.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/kernel_choice.h"
#include "engine/layers.h"
#include "engine/network.h"
#include "engine/onednn_convolution.h"
#include "tests/engine/tensor_comparison.h"

namespace vmm::engine {
namespace {

class TrainableOneDnnConvolutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TrainableOneDnnConvolutionAvailable()) GTEST_SKIP() << "this build has no oneDNN";
    torch::manual_seed(5);
  }
  void TearDown() override { OneDnnConvolution::SetEnabled(true); }

  // Whether oneDNN has training kernels for this ISA that are not reference ones (with SSE4.1 it
  // has no backward kernels for the blocked layout, and LibTorch's autograd trains instead).
  static bool FastTrainingKernels() {
    return UseTrainableOneDnnConvolution(torch::zeros({1, 16, 4, 4}), 16);
  }
  static std::string NoFastKernels() {
    return "oneDNN has only reference training kernels with " + OneDnnIsa();
  }
};

struct Shape {
  int64_t batch, in_channels, out_channels, height, width;
};

TEST_F(TrainableOneDnnConvolutionTest, OutputAndGradientsEqualLibTorchs) {
  if (!FastTrainingKernels()) GTEST_SKIP() << NoFastKernels();
  for (const Shape& shape : {Shape{2, 16, 32, 5, 7}, Shape{1, 32, 16, 2, 3}, Shape{3, 16, 16, 9, 4},
                             Shape{4, 64, 64, 16, 16}}) {
    SCOPED_TRACE(testing::Message() << shape.batch << "x" << shape.in_channels << "->"
                                    << shape.out_channels << " at " << shape.height << "x"
                                    << shape.width);
    const torch::Tensor x =
        torch::randn({shape.batch, shape.in_channels, shape.height, shape.width});
    const torch::Tensor w =
        torch::randn({shape.out_channels, shape.in_channels, 3, 3}) / (3.0 * shape.in_channels);
    // The same upstream gradient for both, not all ones, so that every tap is weighed differently.
    const torch::Tensor upstream =
        torch::randn({shape.batch, shape.out_channels, shape.height, shape.width});

    const torch::Tensor x1 = x.clone().requires_grad_(), w1 = w.clone().requires_grad_();
    const torch::Tensor y1 = ReflectPaddedConv3x3(x1, w1);
    (y1 * upstream).sum().backward();
    const torch::Tensor x2 = x.clone().requires_grad_(), w2 = w.clone().requires_grad_();
    const torch::Tensor y2 = torch::conv2d(ReflectPad(x2, 1), w2);
    (y2 * upstream).sum().backward();

    ASSERT_EQ(y1.sizes(), y2.sizes());
    EXPECT_TRUE(y1.is_contiguous());
    EXPECT_LT(RelativeDifference(y1, y2), 1e-5);
    EXPECT_LT(RelativeDifference(x1.grad(), x2.grad()), 1e-5);
    EXPECT_LT(RelativeDifference(w1.grad(), w2.grad()), 1e-5);
  }
}

TEST_F(TrainableOneDnnConvolutionTest, ResidualBlocksEqualLibTorchsBlockByBlock) {
  if (!FastTrainingKernels()) GTEST_SKIP() << NoFastKernels();
  for (const Shape& shape : {Shape{2, 32, 32, 6, 9}, Shape{1, 16, 16, 2, 2}}) {
    SCOPED_TRACE(testing::Message() << shape.in_channels << " channels at " << shape.height
                                    << "x" << shape.width);
    ResidualBlock first(shape.in_channels), second(shape.in_channels);
    std::vector<torch::Tensor> weights;
    for (ResidualBlock* block : {&first, &second}) {
      for (PaddedConv* conv : {&(*block)->conv1, &(*block)->conv2}) {
        torch::NoGradGuard no_grad;
        (*conv)->conv->weight.normal_(0.0, std::sqrt(1.0 / (9.0 * shape.in_channels)));
        weights.push_back((*conv)->conv->weight);
      }
    }
    const torch::Tensor x =
        torch::randn({shape.batch, shape.in_channels, shape.height, shape.width});
    const torch::Tensor upstream = torch::randn_like(x);
    auto run = [&](bool onednn) {
      OneDnnConvolution::SetEnabled(onednn);
      for (torch::Tensor& w : weights) w.mutable_grad() = torch::Tensor();
      const torch::Tensor input = x.clone().requires_grad_();
      const torch::Tensor output = onednn ? ResidualBlocksTrainable(input, weights)
                                          : second->forward(first->forward(input));
      (output * upstream).sum().backward();
      std::vector<torch::Tensor> results = {output.detach(), input.grad()};
      for (const torch::Tensor& w : weights) results.push_back(w.grad().clone());
      return results;
    };
    const std::vector<torch::Tensor> fast = run(true), plain = run(false);
    for (size_t i = 0; i < fast.size(); ++i) {
      SCOPED_TRACE(i);  // 0: output, 1: input gradient, 2...: weight gradients
      EXPECT_LT(RelativeDifference(fast[i], plain[i]), 1e-5);
    }
  }
}

TEST_F(TrainableOneDnnConvolutionTest, TakesAnyStridesAndSkipsGradientsNobodyNeeds) {
  if (!FastTrainingKernels()) GTEST_SKIP() << NoFastKernels();
  const torch::Tensor x = torch::randn({2, 32, 6, 5}).contiguous(torch::MemoryFormat::ChannelsLast);
  const torch::Tensor w = (torch::randn({16, 32, 3, 3}) / 96.0).requires_grad_();
  const torch::Tensor y = ReflectPaddedConv3x3(x, w);
  EXPECT_LT(RelativeDifference(y, torch::conv2d(ReflectPad(x, 1), w)), 1e-5);
  y.sum().backward();
  EXPECT_TRUE(w.grad().defined());
  EXPECT_FALSE(x.grad().defined());
}

TEST_F(TrainableOneDnnConvolutionTest, RefusesWhatItCannotCompute) {
  // 12 channels fit no channel block.
  EXPECT_THROW(ReflectPaddedConv3x3(torch::randn({1, 12, 4, 4}), torch::randn({16, 12, 3, 3})),
               c10::Error);
  EXPECT_THROW(ReflectPaddedConv3x3(torch::randn({1, 16, 1, 4}), torch::randn({16, 16, 3, 3})),
               c10::Error);
  EXPECT_THROW(ReflectPaddedConv3x3(torch::randn({1, 16, 4, 4}), torch::randn({16, 16, 5, 5})),
               c10::Error);
  EXPECT_THROW(ResidualBlocksTrainable(torch::randn({1, 16, 4, 4}), {torch::randn({16, 16, 3, 3})}),
               c10::Error);
  const std::vector<torch::Tensor> mismatched = {torch::randn({16, 16, 3, 3}),
                                                 torch::randn({32, 16, 3, 3})};
  EXPECT_THROW(ResidualBlocksTrainable(torch::randn({1, 16, 4, 4}), mismatched), c10::Error);
}

// The gradients of a training loss with every parameter: oneDNN's training convolutions must be
// as close to a float64 computation as a float32 computation with LibTorch's can be expected to.
// Where float32 rounding puts a ReLU's input or the L1 loss's argument on the other side of zero
// than float64 does (seen under ONEDNN_MAX_CPU_ISA=AVX2, whose kernels round differently), every
// float32 gradient upstream moves by that discontinuity, LibTorch's as much as oneDNN's: the bound
// is then LibTorch's own distance from float64.
TEST_F(TrainableOneDnnConvolutionTest, NetworkGradientsAreAsAccurateAsLibTorchs) {
  MagnificationNet net;
  const torch::Tensor a = torch::rand({2, 3, 32, 48}) * 2 - 1;
  const torch::Tensor b = (a + 0.05 * torch::randn_like(a)).clamp(-1, 1);
  const torch::Tensor target = torch::rand_like(a) * 2 - 1;
  const torch::Tensor alpha = torch::tensor({5.0f, 20.0f});
  // Larger weights than the release's initialisation, so that rounding differences show.
  {
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : net->parameters()) {
      p.normal_(0.0, 0.5 * std::sqrt(2.0 / double(p.size(1) * p.size(2) * p.size(3))));
    }
  }
  auto gradients = [&](torch::ScalarType type) {
    net->to(type);
    net->zero_grad();
    torch::Tensor out = net->forward(a.to(type), b.to(type), alpha.to(type)).magnified;
    torch::l1_loss(out, target.to(type)).backward();
    std::vector<torch::Tensor> all;
    for (const torch::Tensor& p : net->parameters()) all.push_back(p.grad().to(torch::kFloat64));
    return all;
  };
  const std::vector<torch::Tensor> with_onednn = gradients(torch::kFloat32);
  OneDnnConvolution::SetEnabled(false);
  const std::vector<torch::Tensor> libtorch_only = gradients(torch::kFloat32);
  const std::vector<torch::Tensor> exact = gradients(torch::kFloat64);
  ASSERT_EQ(with_onednn.size(), exact.size());
  for (size_t i = 0; i < exact.size(); ++i) {
    SCOPED_TRACE(i);
    // Both float32 paths measured 1e-6 to 8e-6 here with AVX-512 (no discontinuity crossed).
    const double libtorch_error = RelativeDifference(libtorch_only[i], exact[i]);
    EXPECT_LT(RelativeDifference(with_onednn[i], exact[i]), std::max(2e-5, 1.5 * libtorch_error));
  }
}

}  // namespace
}  // namespace vmm::engine
