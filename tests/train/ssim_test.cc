// Tests of MeanSsim: identity, monotone decrease with noise, errors on bad shapes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "train/ssim.h"

namespace vmm::train {
namespace {

torch::Tensor SmoothImages() {
  torch::Tensor x = torch::linspace(-1, 1, 48).view({1, 1, 1, 48});
  torch::Tensor y = torch::linspace(-1, 1, 40).view({1, 1, 40, 1});
  return torch::cat({torch::sin(3 * x + 2 * y), torch::cos(5 * x * y), x * y}, 1)
      .expand({2, 3, 40, 48})
      .contiguous();
}

TEST(SsimTest, ImageWithItselfScoresOne) {
  const torch::Tensor images = SmoothImages();
  absl::StatusOr<torch::Tensor> ssim = MeanSsim(images, images);
  ASSERT_TRUE(ssim.ok()) << ssim.status();
  ASSERT_EQ(ssim->sizes(), torch::IntArrayRef({2}));
  EXPECT_NEAR(ssim->index({0}).item<double>(), 1.0, 1e-5);
  EXPECT_NEAR(ssim->index({1}).item<double>(), 1.0, 1e-5);
}

TEST(SsimTest, DecreasesWithNoise) {
  torch::manual_seed(3);
  const torch::Tensor images = SmoothImages();
  const torch::Tensor noise = torch::randn_like(images);
  const double light = MeanSsim(images, images + 0.02 * noise)->index({0}).item<double>();
  const double heavy = MeanSsim(images, images + 0.2 * noise)->index({0}).item<double>();
  EXPECT_LT(light, 1.0);
  EXPECT_LT(heavy, light);
  EXPECT_GT(heavy, -1.0);
}

TEST(SsimTest, RejectsMismatchedShapes) {
  absl::StatusOr<torch::Tensor> ssim =
      MeanSsim(torch::zeros({1, 3, 32, 32}), torch::zeros({1, 3, 32, 30}));
  ASSERT_FALSE(ssim.ok());
  EXPECT_EQ(ssim.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ssim.status().message().find("one shape"), std::string::npos);
}

TEST(SsimTest, RejectsImagesSmallerThanTheWindow) {
  absl::StatusOr<torch::Tensor> ssim = MeanSsim(torch::zeros({1, 3, 8, 8}), torch::zeros({1, 3, 8, 8}));
  ASSERT_FALSE(ssim.ok());
  EXPECT_EQ(ssim.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ssim.status().message().find("at least 11x11"), std::string::npos);
}

}  // namespace
}  // namespace vmm::train
