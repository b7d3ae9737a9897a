#include "train/eval/evaluation.h"

#include <algorithm>
#include <chrono>
#include <future>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "train/data/batch.h"
#include "train/ssim.h"

namespace vmm::train::eval {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Renders samples [first, first + count) of `point`, split over `threads` threads.
std::vector<Sample> RenderBatch(const TestSetBuilder& builder, const TestPoint& point, int first,
                                int count, int threads) {
  threads = std::clamp(threads, 1, count);
  if (threads == 1) return builder.Render(point, first, count);
  std::vector<std::future<std::vector<Sample>>> parts;
  for (int t = 0; t < threads; ++t) {
    const int begin = first + count * t / threads, end = first + count * (t + 1) / threads;
    parts.push_back(std::async(std::launch::async, [&builder, &point, begin, end] {
      return builder.Render(point, begin, end - begin);
    }));
  }
  std::vector<Sample> samples;
  for (auto& part : parts) {
    for (Sample& sample : part.get()) samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace

absl::StatusOr<EvaluationResults> RunEvaluation(
    const TestSetBuilder& builder, const std::vector<TestPoint>& points,
    const std::vector<std::unique_ptr<MagnificationMethod>>& methods,
    const EvaluationOptions& options, const PointCallback& on_point) {
  if (methods.empty()) return absl::InvalidArgumentError("evaluation needs at least one method");
  if (options.samples < 1 || options.batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "evaluation needs at least one sample per point and a batch of at least one; got ",
        options.samples, " samples and batch ", options.batch_size));
  }
  EvaluationResults results;
  for (const auto& method : methods) results.methods.push_back(method->name());
  results.method_seconds.assign(methods.size(), 0);
  c10::InferenceMode inference;
  for (size_t p = 0; p < points.size(); ++p) {
    const Clock::time_point point_start = Clock::now();
    const TestPoint& point = points[p];
    PointScores scores{point, std::vector<std::vector<double>>(methods.size())};
    for (int first = 0; first < options.samples; first += options.batch_size) {
      const int count = std::min(options.batch_size, options.samples - first);
      Clock::time_point start = Clock::now();
      const TrainingBatch batch =
          ToBatch(RenderBatch(builder, point, first, count, options.render_threads));
      results.render_seconds += SecondsSince(start);
      std::vector<torch::Tensor> outputs;
      for (size_t m = 0; m < methods.size(); ++m) {
        start = Clock::now();
        absl::StatusOr<torch::Tensor> output =
            methods[m]->Magnify(batch.frame_a, batch.frame_b, point.alpha);
        absl::StatusOr<torch::Tensor> ssim =
            output.ok() ? MeanSsim(*output, batch.target) : output.status();
        if (!ssim.ok()) {
          return absl::Status(ssim.status().code(),
                              absl::StrCat("method '", methods[m]->name(), "' at ", point.Label(),
                                           ": ", ssim.status().message()));
        }
        if (first == 0 && options.on_example) outputs.push_back(*output);
        const torch::Tensor values = ssim->to(torch::kDouble).contiguous();
        const double* data = values.data_ptr<double>();
        scores.scores[m].insert(scores.scores[m].end(), data, data + values.numel());
        results.method_seconds[m] += SecondsSince(start);
      }
      if (first == 0 && options.on_example) {
        options.on_example(point, batch.frame_a, batch.frame_b, batch.target, outputs);
      }
    }
    results.points.push_back(std::move(scores));
    if (on_point) {
      on_point(static_cast<int>(p), static_cast<int>(points.size()), results.points.back(),
               SecondsSince(point_start));
    }
  }
  return results;
}

}  // namespace vmm::train::eval
