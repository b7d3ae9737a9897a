// Turns rendered samples into the LibTorch tensors a training step consumes. The only file of
// the data library that includes LibTorch.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include <torch/types.h>

#include "train/data/renderer.h"

namespace vmm::train {

// A batch of N samples: frames float [N, 3, S, S] in [-1, 1]; alpha float [N].
struct TrainingBatch {
  torch::Tensor frame_a, frame_b, frame_c, target, alpha;
  // The samples' heavy-noise copies of A and B (Sample::anchor_a, anchor_b); undefined unless
  // every sample has them.
  torch::Tensor anchor_a, anchor_b;
};

// Copies a planar image into a new float tensor [C, H, W].
torch::Tensor ToTensor(const PlanarImage& image);

// Stacks samples into a batch. REQUIRES: samples non-empty, all of one size.
TrainingBatch ToBatch(const std::vector<Sample>& samples);

}  // namespace vmm::train
