// One training step, loss evaluation and validation SSIM (declared in trainer.h).
#include <algorithm>

#include <torch/torch.h>

#include "train/ssim.h"
#include "train/trainer/trainer.h"

namespace vmm::train {
namespace {

struct LossTensors {
  torch::Tensor total, l1, regularisers, anchor;
};

LossTensors ComputeLosses(engine::MagnificationNetImpl& net, const TrainingBatch& batch,
                          double lambda, const NoiseAnchor* anchor, double motion_weight) {
  engine::TwoFrameOutput out = net.forward(batch.frame_a, batch.frame_b, batch.alpha);
  engine::Encoding c = net.encoder->forward(batch.frame_c);
  LossTensors losses;
  const torch::Tensor errors = (out.magnified - batch.target).abs();
  losses.l1 = errors.mean();
  losses.regularisers = torch::l1_loss(out.a.texture, c.texture) + torch::l1_loss(out.b.shape, c.shape);
  torch::Tensor data = losses.l1;
  if (motion_weight > 0) {  // the errors averaged with MotionWeights' weights (trainer.h)
    const torch::Tensor weights = MotionWeights(batch.target, batch.frame_b, motion_weight);
    data = (errors * weights).mean() / weights.mean();
  }
  losses.total = data + lambda * losses.regularisers;
  if (anchor != nullptr && anchor->reference != nullptr) {
    TORCH_CHECK(batch.anchor_a.defined() && batch.anchor_b.defined(),
                "a noise anchor needs batches with anchor copies "
                "(SamplerOptions::anchor_max_noise_level > 0)");
    const int64_t count = std::min<int64_t>(std::max(1, anchor->samples), batch.anchor_a.size(0));
    const torch::Tensor a = batch.anchor_a.narrow(0, 0, count);
    const torch::Tensor b = batch.anchor_b.narrow(0, 0, count);
    const torch::Tensor alpha = batch.alpha.narrow(0, 0, count);
    torch::Tensor reference;
    {
      torch::NoGradGuard no_grad;
      reference = anchor->reference->forward(a, b, alpha).magnified;
    }
    losses.anchor = torch::l1_loss(net.forward(a, b, alpha).magnified, reference);
    losses.total = losses.total + anchor->weight * losses.anchor;
  }
  return losses;
}

StepLosses ToValues(const LossTensors& losses) {
  return StepLosses{losses.total.item<double>(), losses.l1.item<double>(),
                    losses.regularisers.item<double>(),
                    losses.anchor.defined() ? losses.anchor.item<double>() : 0.0};
}

}  // namespace

torch::Tensor MotionWeights(const torch::Tensor& target, const torch::Tensor& frame_b,
                            double motion_weight) {
  torch::NoGradGuard no_grad;
  const torch::Tensor difference = (target - frame_b).abs().mean(1, /*keepdim=*/true);
  const torch::Tensor moved =
      ((difference - kMovedDifferenceStart) / (kMovedDifferenceFull - kMovedDifferenceStart))
          .clamp(0, 1);
  return 1 + motion_weight * moved;
}

torch::optim::Adam MakeOptimizer(engine::MagnificationNetImpl& net, double learning_rate) {
  return torch::optim::Adam(net.parameters(),
                            torch::optim::AdamOptions(learning_rate).betas({0.9, 0.999}).eps(1e-8));
}

void SetLearningRate(torch::optim::Adam& optimizer, double learning_rate) {
  for (torch::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(learning_rate);
  }
}

StepLosses TrainStep(engine::MagnificationNetImpl& net, torch::optim::Adam& optimizer,
                     const TrainingBatch& batch, double lambda, const NoiseAnchor* anchor,
                     double motion_weight) {
  net.train();
  optimizer.zero_grad();
  LossTensors losses = ComputeLosses(net, batch, lambda, anchor, motion_weight);
  losses.total.backward();
  optimizer.step();
  return ToValues(losses);
}

StepLosses EvaluateLosses(engine::MagnificationNetImpl& net, const TrainingBatch& batch,
                          double lambda, const NoiseAnchor* anchor, double motion_weight) {
  torch::NoGradGuard no_grad;
  return ToValues(ComputeLosses(net, batch, lambda, anchor, motion_weight));
}

double ValidationSsim(engine::MagnificationNetImpl& net, const std::vector<TrainingBatch>& batches) {
  torch::NoGradGuard no_grad;
  double sum = 0;
  int64_t count = 0;
  for (const TrainingBatch& batch : batches) {
    const torch::Tensor output =
        net.forward(batch.frame_a, batch.frame_b, batch.alpha).magnified.clamp(-1, 1);
    absl::StatusOr<torch::Tensor> ssim = MeanSsim(output, batch.target);
    if (!ssim.ok()) continue;
    sum += ssim->sum().item<double>();
    count += ssim->size(0);
  }
  return count > 0 ? sum / count : 0.0;
}

}  // namespace vmm::train
