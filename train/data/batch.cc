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
  std::vector<torch::Tensor> a, b, c, y;
  std::vector<float> alpha;
  for (const Sample& sample : samples) {
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
  return batch;
}

}  // namespace vmm::train
