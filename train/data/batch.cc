#include "train/data/batch.h"

#include <cstring>

#include <torch/torch.h>

namespace vmm::train {

torch::Tensor ToTensor(const PlanarImage& image) {
  torch::Tensor tensor = torch::empty({image.channels, image.height, image.width}, torch::kFloat);
  std::memcpy(tensor.data_ptr<float>(), image.data.data(), image.data.size() * sizeof(float));
  return tensor;
}

TrainingBatch ToBatch(const std::vector<Sample>& samples) {
  std::vector<torch::Tensor> a, b, c, y, anchor_a, anchor_b;
  std::vector<float> alpha;
  for (const Sample& sample : samples) {
    if (!sample.anchor_a.data.empty()) {
      anchor_a.push_back(ToTensor(sample.anchor_a));
      anchor_b.push_back(ToTensor(sample.anchor_b));
    }
    a.push_back(ToTensor(sample.frame_a));
    b.push_back(ToTensor(sample.frame_b));
    c.push_back(ToTensor(sample.frame_c));
    y.push_back(ToTensor(sample.target));
    alpha.push_back(sample.alpha);
  }
  TrainingBatch batch;
  batch.frame_a = torch::stack(a);
  batch.frame_b = torch::stack(b);
  batch.frame_c = torch::stack(c);
  batch.target = torch::stack(y);
  batch.alpha = torch::tensor(alpha, torch::kFloat);
  if (anchor_a.size() == samples.size()) {
    batch.anchor_a = torch::stack(anchor_a);
    batch.anchor_b = torch::stack(anchor_b);
  }
  return batch;
}

}  // namespace vmm::train
