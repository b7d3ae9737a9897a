#include "train/trainer/weight_blend.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/network.h"
#include "engine/weights_file.h"

namespace vmm::train {

namespace {

// The shares' sum, or why they cannot blend.
absl::StatusOr<double> SumOfShares(const std::vector<BlendInput>& inputs) {
  if (inputs.empty()) return absl::InvalidArgumentError("a blend needs at least one weights file");
  double sum = 0;
  for (const BlendInput& input : inputs) {
    if (!std::isfinite(input.share) || input.share < 0 || input.share > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the share of ", input.path, " is ", input.share, "; shares must lie in [0, 1]"));
    }
    sum += input.share;
  }
  if (std::abs(sum - 1) > 1e-6) {
    return absl::InvalidArgumentError(
        absl::StrCat("the shares sum to ", sum, "; they must sum to 1"));
  }
  return sum;
}

}  // namespace

absl::Status BlendWeightFiles(const std::vector<BlendInput>& inputs, const std::string& out_path) {
  const absl::StatusOr<double> sum = SumOfShares(inputs);
  if (!sum.ok()) return sum.status();
  torch::NoGradGuard no_grad;
  engine::MagnificationNet blend;
  std::vector<torch::Tensor> sums;
  engine::WeightsHeader header;
  std::string description = "blend of";
  for (size_t i = 0; i < inputs.size(); ++i) {
    engine::MagnificationNet net;
    const absl::StatusOr<engine::WeightsHeader> loaded =
        engine::LoadWeights(inputs[i].path, *net);
    if (!loaded.ok()) return loaded.status();
    header.training_steps = std::max(header.training_steps, loaded->training_steps);
    absl::StrAppendFormat(&description, "%s %g x %s (%s)", i == 0 ? "" : ";", inputs[i].share,
                          inputs[i].path, loaded->description);
    const std::vector<torch::Tensor> parameters = net->parameters();
    if (sums.empty()) {
      for (const torch::Tensor& parameter : parameters) {
        sums.push_back(torch::zeros_like(parameter, torch::kFloat64));
      }
    }
    for (size_t p = 0; p < parameters.size(); ++p) {
      sums[p].add_(parameters[p].to(torch::kFloat64), inputs[i].share);
    }
  }
  std::vector<torch::Tensor> out = blend->parameters();
  for (size_t p = 0; p < out.size(); ++p) out[p].copy_(sums[p] / *sum);
  header.description = std::move(description);
  return engine::SaveWeights(*blend, header, out_path);
}

}  // namespace vmm::train
