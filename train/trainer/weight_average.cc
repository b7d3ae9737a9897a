#include "train/trainer/weight_average.h"

#include <algorithm>
#include <vector>

#include <torch/torch.h>

namespace vmm::train {

WeightAverage::WeightAverage(engine::MagnificationNetImpl& net, double decay, int64_t updates)
    : decay_(decay), updates_(updates) {
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> source = net.parameters();
  const std::vector<torch::Tensor> target = average_->parameters();
  for (size_t i = 0; i < source.size(); ++i) {
    target[i].set_requires_grad(false);
    target[i].copy_(source[i]);
  }
}

void WeightAverage::Update(engine::MagnificationNetImpl& net) {
  torch::NoGradGuard no_grad;
  const double d = std::min(decay_, (1.0 + double(updates_)) / (10.0 + double(updates_)));
  const std::vector<torch::Tensor> source = net.parameters();
  const std::vector<torch::Tensor> target = average_->parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].lerp_(source[i], 1.0 - d);
  ++updates_;
}

}  // namespace vmm::train
