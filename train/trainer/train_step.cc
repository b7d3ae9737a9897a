// One training step, loss evaluation and validation SSIM (declared in trainer.h).
#include <torch/torch.h>

#include "train/ssim.h"
#include "train/trainer/trainer.h"

namespace vmm::train {
namespace {

struct LossTensors {
  torch::Tensor total, l1, regularisers;
};

LossTensors ComputeLosses(engine::MagnificationNetImpl& net, const TrainingBatch& batch,
                          double lambda) {
  engine::TwoFrameOutput out = net.forward(batch.frame_a, batch.frame_b, batch.alpha);
  engine::Encoding c = net.encoder->forward(batch.frame_c);
  LossTensors losses;
  losses.l1 = torch::l1_loss(out.magnified, batch.target);
  losses.regularisers = torch::l1_loss(out.a.texture, c.texture) + torch::l1_loss(out.b.shape, c.shape);
  losses.total = losses.l1 + lambda * losses.regularisers;
  return losses;
}

StepLosses ToValues(const LossTensors& losses) {
  return StepLosses{losses.total.item<double>(), losses.l1.item<double>(),
                    losses.regularisers.item<double>()};
}

}  // namespace

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
                     const TrainingBatch& batch, double lambda) {
  net.train();
  optimizer.zero_grad();
  LossTensors losses = ComputeLosses(net, batch, lambda);
  losses.total.backward();
  optimizer.step();
  return ToValues(losses);
}

StepLosses EvaluateLosses(engine::MagnificationNetImpl& net, const TrainingBatch& batch,
                          double lambda) {
  torch::NoGradGuard no_grad;
  return ToValues(ComputeLosses(net, batch, lambda));
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
