// vmm-train: trains the magnification network on synthetic data (see trainer.h), resumable and
// safe to stop at any moment. SIGTERM and SIGINT checkpoint and exit.
//
//   vmm-train --data data-cache --state train-state --crop 128 --threads 2 --resume
#include <atomic>
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "train/trainer/trainer.h"

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested.store(true); }

}  // namespace

int main(int argc, char** argv) {
  vmm::train::TrainerOptions o;
  CLI::App app{"Train the motion magnification network on synthetic data"};
  app.add_option("--data", o.data_dir, "image pool folder (scripts/collect-training-images.sh)")
      ->capture_default_str();
  app.add_option("--state", o.state_dir, "checkpoints and log.csv")->capture_default_str();
  app.add_flag("--resume", o.resume, "continue from the checkpoint in --state, if any");
  app.add_option("--init-weights", o.init_weights, "start from this weights file when no state exists");
  app.add_option("--weights-out", o.weights_out, "also write weights here at every checkpoint");
  app.add_option("--crop", o.crop_size, "training crop size, multiple of 4")->capture_default_str();
  app.add_option("--batch", o.batch_size, "batch size")->capture_default_str();
  app.add_option("--threads", o.threads, "LibTorch threads")->capture_default_str();
  app.add_option("--data-threads", o.data_threads, "generator threads")->capture_default_str();
  app.add_option("--seed", o.seed, "data and initialisation seed")->capture_default_str();
  app.add_option("--steps", o.steps, "total steps to reach")->capture_default_str();
  app.add_option("--max-minutes", o.max_minutes, "stop after this wall time (0: none)")
      ->capture_default_str();
  app.add_option("--checkpoint-minutes", o.checkpoint_minutes, "minutes between checkpoints")
      ->capture_default_str();
  app.add_option("--lambda", o.lambda, "weight of the regularisers")->capture_default_str();
  app.add_option("--lr", o.learning_rate, "Adam learning rate")->capture_default_str();
  app.add_option("--average-decay", o.average_decay,
                 "decay of the moving average of the weights that --weights-out gets (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.999999));
  app.add_option("--stroke-fraction", o.stroke_fraction,
                 "share of the photo cut-outs drawn as thin strokes, in training samples only")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--texture-share", o.texture_share,
                 "share of backgrounds and photo cut-outs drawn from the pool's textures "
                 "(textures.txt) rather than its photographs, in training samples only")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--thin-scene-share", o.thin_scene_share,
                 "share of training scenes made of 2-7 thin strokes alone over a smoothed "
                 "background, so that thin lines moving beyond their width are seen unoccluded")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-noise-level", o.max_noise_level,
                 "largest noise level n of the release's noise model on the input frames "
                 "(x + U(0, n) N(0, 1) sqrt(x + 1) / sqrt(127.5)), in training samples only")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--antialias-sigma", o.antialias_sigma,
                 "standard deviation, in output pixels, of the Gaussian that smooths every rendered "
                 "frame before it is downsampled (the paper's anti-alias), in training samples only")
      ->capture_default_str()
      ->check(CLI::Range(0.25, 2.0));
  app.add_option("--motion-weight", o.motion_weight,
                 "extra weight of the pixels where the target differs from frame B (where the "
                 "magnified motion lands) in the L1 of the output: weight 1 + this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 20.0));
  app.add_option("--anchor-weights", o.anchor_weights,
                 "keep the outputs on heavily noisy copies of the inputs close to this reference "
                 "network's (learning without forgetting on the noise that training never shows)");
  app.add_option("--anchor-weight", o.anchor_weight, "weight of the anchor term in the loss")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  // The range both ends of the anchor's noise levels may take (RunTraining orders them).
  const auto anchor_noise_level_range = CLI::Range(0.01, 30.0);
  app.add_option("--anchor-min-noise-level", o.anchor_min_noise_level,
                 "anchor noise level is log-uniform in [this, --anchor-max-noise-level] (the "
                 "evaluation's noise factor f is level sqrt(f); the training noise is below "
                 "--max-noise-level)")
      ->capture_default_str()
      ->check(anchor_noise_level_range);
  app.add_option("--anchor-max-noise-level", o.anchor_max_noise_level,
                 "anchor noise level is log-uniform in [--anchor-min-noise-level, this]")
      ->capture_default_str()
      ->check(anchor_noise_level_range);
  app.add_option("--anchor-samples", o.anchor_samples,
                 "samples of each batch that the anchor term uses")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_flag("--permute-channels", o.permute_channels,
               "put each training sample's colour channels in a random order (all six equally "
               "often), so that the network learns no favourite hue");
  app.add_option("--validate-every", o.validate_every, "steps between validations (0: never)")
      ->capture_default_str();
  app.add_option("--validation-samples", o.validation_samples, "held-out validation samples")
      ->capture_default_str();
  app.add_option("--log-every", o.log_every, "steps between log lines")->capture_default_str();
  app.add_flag("--channels-last", o.channels_last, "channels-last layout (oneDNN convolutions)");
  CLI11_PARSE(app, argc, argv);
  if (o.crop_size < 16 || o.crop_size % 4 != 0) {
    std::cerr << "vmm-train: --crop must be a multiple of 4 and at least 16, got " << o.crop_size
              << "\n";
    return 2;
  }

  std::signal(SIGTERM, RequestStop);
  std::signal(SIGINT, RequestStop);
  const absl::Status status = vmm::train::RunTraining(o, stop_requested);
  if (!status.ok()) {
    std::cerr << "vmm-train: " << status << "\n";
    return 1;
  }
  return 0;
}
