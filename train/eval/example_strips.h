// Example pictures of the evaluation: for the first sample of a test point, the input frames, the
// true magnified frame and every method's output side by side in one PNG, so a person can see
// what the SSIM numbers mean.
//
// Thread-safety: pure functions (WriteExampleStrip writes one file).
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "absl/status/status.h"
#include "train/eval/test_sets.h"

namespace vmm::train::eval {

// File name of the example of `point`, e.g. "subpixel-0.05px.png" or "noise-2px-factor-10.png".
std::string ExampleFileName(const TestPoint& point);

// Writes `panels` (each float [3, H, W] in [-1, 1], all of one height) left to right with a
// white gap between them as a PNG. INVALID_ARGUMENT for no panels or mismatched heights;
// the PNG writer's error naming the file otherwise.
absl::Status WriteExampleStrip(const std::string& path, const std::vector<torch::Tensor>& panels);

}  // namespace vmm::train::eval
