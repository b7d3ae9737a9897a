#include "train/ssim.h"

#include <cmath>

#include <torch/torch.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace vmm::train {
namespace {

// Normalised 2-D Gaussian window as a depthwise kernel [channels, 1, size, size].
torch::Tensor GaussianWindow(int size, double sigma, int64_t channels) {
  torch::Tensor x = torch::arange(size, torch::kDouble) - (size - 1) / 2.0;
  torch::Tensor g = torch::exp(-(x * x) / (2 * sigma * sigma));
  g = g / g.sum();
  torch::Tensor window = torch::outer(g, g).to(torch::kFloat);
  return window.expand({channels, 1, size, size}).contiguous();
}

}  // namespace

absl::StatusOr<torch::Tensor> MeanSsim(const torch::Tensor& a, const torch::Tensor& b,
                                       const SsimOptions& options) {
  if (a.dim() != 4 || a.sizes() != b.sizes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SSIM needs two [N, C, H, W] tensors of one shape; got ", c10::str(a.sizes()), " and ",
        c10::str(b.sizes())));
  }
  if (a.size(2) < options.window_size || a.size(3) < options.window_size) {
    return absl::InvalidArgumentError(absl::StrCat("SSIM needs images of at least ",
                                                   options.window_size, "x", options.window_size,
                                                   " pixels; got ", a.size(3), "x", a.size(2)));
  }
  torch::NoGradGuard no_grad;
  const int64_t channels = a.size(1);
  const torch::Tensor x = a.to(torch::kFloat).contiguous();
  const torch::Tensor y = b.to(torch::kFloat).contiguous();
  const torch::Tensor window = GaussianWindow(options.window_size, options.window_sigma, channels);
  auto filter = [&](const torch::Tensor& t) {
    return torch::nn::functional::conv2d(
        t, window, torch::nn::functional::Conv2dFuncOptions().groups(channels));
  };
  const torch::Tensor mu_x = filter(x);
  const torch::Tensor mu_y = filter(y);
  const torch::Tensor var_x = filter(x * x) - mu_x * mu_x;
  const torch::Tensor var_y = filter(y * y) - mu_y * mu_y;
  const torch::Tensor cov = filter(x * y) - mu_x * mu_y;
  const double c1 = std::pow(options.k1 * options.data_range, 2);
  const double c2 = std::pow(options.k2 * options.data_range, 2);
  const torch::Tensor map = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) /
                            ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2));
  return map.flatten(1).mean(1);
}

}  // namespace vmm::train
