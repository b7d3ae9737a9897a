// The training loop of the magnification network on synthetic data: Adam on
//   L1(Y_hat, Y) + lambda * (L1(V_a, V_c) + L1(M_b, M_c)),
// where V are texture and M shape representations (V_a, V_c share colours; M_b, M_c share
// geometry; optionally with the pixels that moved weighted more in the first L1, MotionWeights),
// with batches generated ahead on background threads, a CSV log, validation SSIM on
// a fixed held-out set, checkpoints every few minutes, and a clean stop on request. A moving
// average of the weights is kept beside them, validated too, and is what --weights-out gets.
//
// Thread-safety: one Trainer runs on one thread; `stop_requested` may be set from anywhere
// (a signal handler included).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <torch/optim/adam.h>

#include "absl/status/status.h"
#include "engine/network.h"
#include "train/data/batch.h"
#include "train/data/sample_generator.h"
#include "train/data/scene_sampler.h"

namespace vmm::train {

// Settings of a training run. Defaults follow the authors' release.
struct TrainerOptions {
  std::string data_dir = "data-cache";   // image pool (scripts/collect-training-images.sh)
  std::string state_dir = "train-state"; // checkpoints, log.csv
  std::string weights_out;               // also write the weights here at every checkpoint
  std::string init_weights;              // start from these weights when no state exists
  bool resume = false;                   // continue from the state directory's checkpoint
  int crop_size = 128;                   // training crop, pixels (multiple of 4)
  int batch_size = 4;
  int threads = 2;                       // LibTorch intra-op threads
  int data_threads = 1;                  // generator threads
  uint64_t seed = 1;                     // data stream and weight initialisation
  int64_t steps = 1000000;               // stop when this many steps are done
  double max_minutes = 0;                // stop after this wall time (0: no limit)
  double checkpoint_minutes = 5;
  double lambda = 1.0;                   // weight of the texture and shape regularisers
  double learning_rate = 1e-4;
  double average_decay = 0.999;          // moving average of the weights (weight_average.h); 0: none
  double stroke_fraction = 0;            // share of photo cuts drawn as thin strokes (training only)
  bool permute_channels = false;         // a random colour-channel order per sample (training only)
  double texture_share = 0;              // share of backgrounds drawn from textures.txt (training)
  double thin_scene_share = 0;           // share of scenes of thin strokes alone (training only)
  double max_noise_level = SamplerOptions{}.max_noise_level;  // the release's 0.3 (training only)
  // Gaussian anti-alias of the rendered frames, output pixels (training only; validation keeps
  // the default, so validation figures stay comparable).
  double antialias_sigma = GeneratorOptions{}.antialias_sigma;
  // Noise anchor (NoiseAnchor below): keeps the outputs on heavily noisy inputs close to a
  // reference network's, so that training on light noise does not wear away what it does there.
  std::string anchor_weights;            // the reference's weights file ("": no anchor)
  double anchor_weight = 1.0;            // weight of the anchor term in the loss
  // Anchor noise level log-uniform in [min, max]; a min below the training noise's 0.3 also
  // holds the outputs on lightly noisy inputs near the reference's.
  double anchor_min_noise_level = SamplerOptions{}.anchor_min_noise_level;
  double anchor_max_noise_level = 10;
  int anchor_samples = 1;                // samples of each batch that the anchor term uses
  double motion_weight = 0;              // extra weight of moved pixels in L1(Y_hat, Y) (TrainStep)
  int validate_every = 500;              // steps between validations (0: never)
  int validation_samples = 32;
  uint64_t validation_seed = 20181008;
  int log_every = 50;                    // steps between log lines
  bool channels_last = false;            // channels-last weights and frames (oneDNN on CPU)
};

// Losses of one step (batch means).
struct StepLosses {
  double total = 0;         // the loss minimised (with the motion weights, if any)
  double l1 = 0;            // L1(Y_hat, Y), unweighted
  double regularisers = 0;  // L1(V_a, V_c) + L1(M_b, M_c), before lambda
  double anchor = 0;        // the noise anchor's L1, before its weight (0 without one)
};

// A frozen reference network that the trained one is kept close to on the batch's heavy-noise
// copies of A and B (TrainingBatch::anchor_a, anchor_b): the loss gains
//   weight * L1(net(A', B', alpha), reference(A', B', alpha))
// over the first `samples` samples. A form of learning without forgetting: the training noise
// (the release's, level <= 0.3) lies far below the evaluation's heaviest (level 10), where
// further training otherwise drifts away from what the reference does.
struct NoiseAnchor {
  engine::MagnificationNetImpl* reference = nullptr;  // not owned; in eval mode, no gradients
  double weight = 1;
  int samples = 1;
};

// The Adam optimiser of the release for `net`.
torch::optim::Adam MakeOptimizer(engine::MagnificationNetImpl& net, double learning_rate);

// Sets every parameter group's learning rate, so that a resumed run trains at the rate it is
// given (--lr) whatever options the LibTorch version in use restores with the Adam state.
void SetLearningRate(torch::optim::Adam& optimizer, double learning_rate);

// Where the target differs from B by a mean absolute difference over the channels (frames in
// [-1, 1]) of kMovedDifferenceStart or less, a pixel counts as unmoved (the training noise stays
// below it); from kMovedDifferenceFull up it counts as moved; in between, partly.
inline constexpr double kMovedDifferenceStart = 0.05;
inline constexpr double kMovedDifferenceFull = 0.15;

// Per-pixel weights [N, 1, H, W] of the data term: 1 + motion_weight * (the share by which the
// pixel counts as moved, above). Moved pixels are few (the edges of what moves, and where a thin
// line lands when magnified), so the plain L1 lets a network fade them at little cost.
torch::Tensor MotionWeights(const torch::Tensor& target, const torch::Tensor& frame_b,
                            double motion_weight);

// One optimiser step on `batch`; returns the losses before the update. With `anchor` the loss
// includes its term, and the batch must have anchor copies (c10::Error otherwise). With
// motion_weight > 0 the data term is the mean of |Y_hat - Y| weighted by MotionWeights and
// divided by the mean weight (so that its scale stays that of the L1).
StepLosses TrainStep(engine::MagnificationNetImpl& net, torch::optim::Adam& optimizer,
                     const TrainingBatch& batch, double lambda,
                     const NoiseAnchor* anchor = nullptr, double motion_weight = 0);

// The losses on `batch` without updating anything.
StepLosses EvaluateLosses(engine::MagnificationNetImpl& net, const TrainingBatch& batch,
                          double lambda, const NoiseAnchor* anchor = nullptr,
                          double motion_weight = 0);

// Mean SSIM of the network's (clipped) output against the target over `batches`.
double ValidationSsim(engine::MagnificationNetImpl& net, const std::vector<TrainingBatch>& batches);

// Runs training until `options.steps`, the time limit or `stop_requested`; checkpoints on the
// way out. INVALID_ARGUMENT when the anchor's reference is the --weights-out file or its
// samples exceed the batch; FAILED_PRECONDITION when the state directory already holds a
// checkpoint and `resume` is false; errors of loading the pool, weights or checkpoint otherwise.
absl::Status RunTraining(const TrainerOptions& options, const std::atomic<bool>& stop_requested);

}  // namespace vmm::train
