// Runs the quantitative tests: for every test point, renders its samples in batches, lets every
// method magnify each pair (A, B) by the point's alpha, and scores the result by SSIM against
// the noise-free target (train/ssim.h, frames in [-1, 1]).
//
// Thread-safety: RunEvaluation may be called from one thread at a time per set of methods.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "train/eval/methods.h"
#include "train/eval/results.h"
#include "train/eval/test_sets.h"

namespace vmm::train::eval {

// Called with the first batch of every test point: its frames (A, B and the target, float
// [N, 3, H, W] in [-1, 1]) and every method's output, in method order.
using ExampleCallback = std::function<void(const TestPoint& point, const torch::Tensor& frame_a,
                                           const torch::Tensor& frame_b,
                                           const torch::Tensor& target,
                                           const std::vector<torch::Tensor>& outputs)>;

// How much to evaluate.
struct EvaluationOptions {
  int samples = 40;        // samples per test point
  int batch_size = 8;      // samples rendered and magnified together
  int render_threads = 1;  // threads rendering a batch (rendering is plain C++)
  ExampleCallback on_example;  // optional
};

// Called after each test point with its index (0-based), the number of points, its scores and
// the seconds it took.
using PointCallback =
    std::function<void(int index, int total, const PointScores& scores, double seconds)>;

// Evaluates `methods` on `points`. INVALID_ARGUMENT for no methods or samples < 1; a method's or
// SSIM's error is returned naming the method and the test point.
absl::StatusOr<EvaluationResults> RunEvaluation(
    const TestSetBuilder& builder, const std::vector<TestPoint>& points,
    const std::vector<std::unique_ptr<MagnificationMethod>>& methods,
    const EvaluationOptions& options, const PointCallback& on_point = nullptr);

}  // namespace vmm::train::eval
