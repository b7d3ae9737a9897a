// RunTraining (declared in trainer.h): set-up, resumption, the loop, logging and checkpoints.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/kernel_choice.h"
#include "engine/layers.h"
#include "engine/weights_file.h"
#include "train/data/batch_prefetcher.h"
#include "train/data/image_pool.h"
#include "train/data/sample_generator.h"
#include "train/trainer/checkpoint.h"
#include "train/trainer/trainer.h"
#include "train/trainer/training_log.h"
#include "train/trainer/weight_average.h"

namespace vmm::train {
namespace {

using Clock = std::chrono::steady_clock;

// CPU seconds used by the whole process so far (all threads).
double ProcessCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The fixed validation set: `count` samples of the held-out pool, or empty without one.
std::vector<TrainingBatch> MakeValidationSet(const TrainerOptions& options) {
  const std::string list = options.data_dir + "/heldout-backgrounds.txt";
  if (options.validate_every <= 0 || !std::filesystem::exists(list)) return {};
  absl::StatusOr<std::shared_ptr<const ImagePool>> pool =
      ImagePool::LoadDataDir(options.data_dir, PoolSplit::kHeldOut);
  if (!pool.ok()) {
    std::cerr << "warning: no validation: " << pool.status() << "\n";
    return {};
  }
  GeneratorOptions generator_options;
  generator_options.crop_size = options.crop_size;
  generator_options.seed = options.validation_seed;
  SampleGenerator generator(*pool, generator_options);
  std::vector<TrainingBatch> batches;
  for (int first = 0; first < options.validation_samples; first += 4) {
    std::vector<Sample> samples;
    for (int i = first; i < std::min(first + 4, options.validation_samples); ++i) {
      samples.push_back(generator.Generate(i));
    }
    batches.push_back(ToBatch(samples));
  }
  return batches;
}

}  // namespace

absl::Status RunTraining(const TrainerOptions& options, const std::atomic<bool>& stop_requested) {
  torch::set_num_threads(std::max(1, options.threads));
  torch::manual_seed(options.seed);
  const Clock::time_point run_start = Clock::now();

  if (!options.anchor_weights.empty()) {
    std::error_code same_error;
    if (options.anchor_weights == options.weights_out ||
        std::filesystem::equivalent(options.anchor_weights, options.weights_out, same_error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--anchor-weights and --weights-out are the same file (", options.anchor_weights,
          "); the reference would change at every checkpoint"));
    }
    if (!(options.anchor_min_noise_level > 0) ||
        options.anchor_min_noise_level > options.anchor_max_noise_level) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--anchor-min-noise-level ", options.anchor_min_noise_level,
          " must be above 0 and at most --anchor-max-noise-level ",
          options.anchor_max_noise_level));
    }
    if (options.anchor_samples > options.batch_size) {
      return absl::InvalidArgumentError(absl::StrCat("--anchor-samples ", options.anchor_samples,
                                                     " exceeds the batch of ",
                                                     options.batch_size));
    }
  }
  if (HasCheckpoint(options.state_dir) && !options.resume) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.state_dir, " already holds a checkpoint; pass --resume to continue it or choose "
                           "another --state"));
  }
  absl::StatusOr<std::shared_ptr<const ImagePool>> pool =
      ImagePool::LoadDataDir(options.data_dir, PoolSplit::kTraining);
  if (!pool.ok()) return pool.status();
  std::cout << "pool: " << (*pool)->photographs() << " photographs, "
            << (*pool)->backgrounds().size() - (*pool)->photographs() << " textures, "
            << (*pool)->objects().size() << " objects (" << SecondsSince(run_start) << " s)\n";

  engine::MagnificationNet net;
  engine::InitWeightsTruncatedNormal(*net, options.seed);
  auto optimizer = std::make_unique<torch::optim::Adam>(MakeOptimizer(*net, options.learning_rate));
  TrainingPosition position;
  // Restored into when the checkpoint has one; otherwise the average starts at the weights.
  engine::MagnificationNet restored_average;
  bool average_restored = false;
  if (options.resume && HasCheckpoint(options.state_dir)) {
    absl::StatusOr<RestoredCheckpoint> restored =
        LoadCheckpoint(options.state_dir, *net, *optimizer, restored_average.get());
    if (!restored.ok()) return restored.status();
    position = restored->position;
    average_restored = restored->average_restored;
    if (!restored->optimizer_restored) {
      std::cerr << "warning: " << restored->optimizer_problem << "; continuing with a fresh Adam\n";
      optimizer = std::make_unique<torch::optim::Adam>(MakeOptimizer(*net, options.learning_rate));
    }
    SetLearningRate(*optimizer, options.learning_rate);
    std::cout << "resumed from " << options.state_dir << " at step " << position.step
              << " (learning rate " << options.learning_rate << ")\n";
  } else if (!options.init_weights.empty()) {
    absl::StatusOr<engine::WeightsHeader> header = engine::LoadWeights(options.init_weights, *net);
    if (!header.ok()) return header.status();
    position.step = header->training_steps;
    std::cout << "starting from " << options.init_weights << " (step " << position.step << ")\n";
  }
  std::optional<WeightAverage> average;
  if (options.average_decay > 0) {
    average.emplace(average_restored ? *restored_average : *net, options.average_decay,
                    average_restored ? position.average_updates : 0);
    std::cout << (average_restored ? "resumed" : "started") << " the weight average (decay "
              << options.average_decay << ", " << average->updates() << " updates)\n";
  }
  if (options.channels_last) engine::ConvertToChannelsLast(*net);
  // The noise anchor's reference: frozen, in eval mode, laid out like the trained network.
  engine::MagnificationNet reference;
  std::optional<NoiseAnchor> anchor;
  std::string anchor_description;
  if (!options.anchor_weights.empty()) {
    absl::StatusOr<engine::WeightsHeader> header =
        engine::LoadWeights(options.anchor_weights, *reference);
    if (!header.ok()) return header.status();
    reference->eval();
    for (torch::Tensor& parameter : reference->parameters()) parameter.requires_grad_(false);
    if (options.channels_last) engine::ConvertToChannelsLast(*reference);
    anchor = NoiseAnchor{reference.get(), options.anchor_weight, options.anchor_samples};
    anchor_description = absl::StrFormat(
        ", anchored to the step-%d weights on noise levels %g-%g (weight %g, %d per batch)",
        header->training_steps, options.anchor_min_noise_level,
        options.anchor_max_noise_level, options.anchor_weight, options.anchor_samples);
    std::cout << "noise anchor: " << options.anchor_weights << " (step " << header->training_steps
              << ")\n";
  }
  const std::string resumed_description = position.description;
  position.description = absl::StrFormat(
      "synthetic data from %s (%d photographs, %d textures, %d objects from Debian's packages), "
      "crop %d, batch %d, lambda %g, lr %g, seed %d%s%s%s%s%s%s%s%s",
      options.data_dir, (*pool)->photographs(),
      (*pool)->backgrounds().size() - (*pool)->photographs(), (*pool)->objects().size(),
      options.crop_size, options.batch_size, options.lambda,
      options.learning_rate, options.seed,
      options.stroke_fraction > 0
          ? absl::StrFormat(", strokes %g of photo cut-outs", options.stroke_fraction)
          : "",
      options.permute_channels ? ", channel orders permuted" : "",
      options.texture_share > 0
          ? absl::StrFormat(", textures %g of backgrounds", options.texture_share)
          : "",
      options.max_noise_level != SamplerOptions{}.max_noise_level
          ? absl::StrFormat(", noise level up to %g", options.max_noise_level)
          : "",
      options.thin_scene_share > 0
          ? absl::StrFormat(", thin-stroke scenes %g", options.thin_scene_share)
          : "",
      options.antialias_sigma != GeneratorOptions{}.antialias_sigma
          ? absl::StrFormat(", anti-alias sigma %g px", options.antialias_sigma)
          : "",
      options.motion_weight > 0
          ? absl::StrFormat(", moved pixels weighted 1 + %g", options.motion_weight)
          : "",
      anchor_description);
  if (!resumed_description.empty() && resumed_description != position.description) {
    std::cout << "note: the run's settings change at step " << position.step << ":\n  was "
              << resumed_description << "\n  now " << position.description << "\n";
  }

  std::error_code error;
  std::filesystem::create_directories(options.state_dir, error);
  absl::StatusOr<TrainingLog> log =
      TrainingLog::Open(options.state_dir + "/log.csv", position.step);
  if (!log.ok()) return log.status();
  const std::vector<TrainingBatch> validation = MakeValidationSet(options);
  std::cout << "validation: " << options.validation_samples * !validation.empty()
            << " held-out samples\n";

  GeneratorOptions generator_options;
  generator_options.crop_size = options.crop_size;
  generator_options.seed = options.seed;
  generator_options.sampler.stroke_fraction = options.stroke_fraction;
  generator_options.sampler.permute_channels = options.permute_channels;
  generator_options.sampler.texture_share = options.texture_share;
  generator_options.sampler.thin_scene_share = options.thin_scene_share;
  generator_options.sampler.max_noise_level = options.max_noise_level;
  generator_options.antialias_sigma = options.antialias_sigma;
  if (anchor) {
    generator_options.sampler.anchor_min_noise_level = options.anchor_min_noise_level;
    generator_options.sampler.anchor_max_noise_level = options.anchor_max_noise_level;
  }
  SampleGenerator generator(*pool, generator_options);
  BatchPrefetcher prefetcher(generator, options.batch_size, static_cast<uint64_t>(position.step),
                             options.data_threads, /*depth=*/2 + options.data_threads);

  const double wall_at_start = position.wall_seconds;
  auto checkpoint = [&]() -> absl::Status {
    position.wall_seconds = wall_at_start + SecondsSince(run_start);
    position.average_updates = average ? average->updates() : 0;
    absl::Status saved = SaveCheckpoint(options.state_dir, *net, *optimizer, position,
                                        average ? &average->network() : nullptr);
    if (saved.ok() && !options.weights_out.empty()) {
      engine::WeightsHeader header;
      header.training_steps = position.step;
      header.description =
          average ? AveragedDescription(position.description) : position.description;
      saved = engine::SaveWeights(average ? average->network() : *net, header, options.weights_out);
    }
    return saved;
  };
  Clock::time_point last_checkpoint = Clock::now();
  Clock::time_point interval_start = Clock::now();
  double interval_generation = prefetcher.generation_seconds(), interval_wait = 0;
  double interval_generation_cpu = prefetcher.generation_cpu_seconds();
  double interval_process_cpu = ProcessCpuSeconds();
  StepLosses sums;
  bool kernels_reported = false;
  int interval_steps = 0;
  while (position.step < options.steps && !stop_requested.load()) {
    if (options.max_minutes > 0 && SecondsSince(run_start) > 60 * options.max_minutes) break;
    const Clock::time_point wait_start = Clock::now();
    TrainingBatch batch = ToBatch(prefetcher.Next());
    if (options.channels_last) {
      for (torch::Tensor* frames : {&batch.frame_a, &batch.frame_b, &batch.frame_c, &batch.target,
                                    &batch.anchor_a, &batch.anchor_b}) {
        if (frames->defined()) *frames = frames->contiguous(torch::MemoryFormat::ChannelsLast);
      }
    }
    interval_wait += SecondsSince(wait_start);
    const StepLosses losses =
        TrainStep(*net, *optimizer, batch, options.lambda, anchor ? &*anchor : nullptr,
                  options.motion_weight);
    if (average) average->Update(*net);
    ++position.step;
    ++interval_steps;
    sums.total += losses.total;
    sums.l1 += losses.l1;
    sums.regularisers += losses.regularisers;
    sums.anchor += losses.anchor;

    const bool validate = !validation.empty() && options.validate_every > 0 &&
                          position.step % options.validate_every == 0;
    if (position.step % std::max(1, options.log_every) == 0 || validate) {
      const double seconds = SecondsSince(interval_start);
      LogRow row;
      row.step = position.step;
      row.wall_seconds = wall_at_start + SecondsSince(run_start);
      row.loss = sums.total / interval_steps;
      row.l1 = sums.l1 / interval_steps;
      row.regularisers = sums.regularisers / interval_steps;
      row.samples_per_second = interval_steps * options.batch_size / seconds;
      const double generation = prefetcher.generation_seconds();
      row.data_share = (generation - interval_generation) / seconds;
      const double generation_cpu = prefetcher.generation_cpu_seconds();
      const double process_cpu = ProcessCpuSeconds();
      row.data_cpu_share = (generation_cpu - interval_generation_cpu) /
                           std::max(1e-9, process_cpu - interval_process_cpu);
      if (validate) row.validation_ssim = ValidationSsim(*net, validation);
      if (validate && average) {
        row.validation_ssim_average = ValidationSsim(average->network(), validation);
      }
      log->Append(row);
      if (!kernels_reported) {
        // Once, after the first steps have chosen them: which kernels train here.
        kernels_reported = true;
        std::cout << "oneDNN ISA " << engine::OneDnnIsa() << "; training convolutions:";
        bool any = false;
        for (const auto& [layer, kernel] : engine::KernelsUsed()) {
          if (layer.rfind("training", 0) != 0) continue;
          std::cout << "\n  " << layer << ": " << kernel;
          any = true;
        }
        std::cout << (any ? "\n  (the others LibTorch's)\n" : " LibTorch's autograd\n");
      }
      std::optional<double> anchor_mean;
      if (anchor) anchor_mean = sums.anchor / interval_steps;
      std::cout << ProgressLine(row, interval_steps / seconds, interval_wait / seconds, anchor_mean)
                << std::flush;
      interval_start = Clock::now();
      interval_generation = generation;
      interval_generation_cpu = generation_cpu;
      interval_process_cpu = ProcessCpuSeconds();
      interval_wait = 0;
      interval_steps = 0;
      sums = StepLosses{};
    }
    if (SecondsSince(last_checkpoint) > 60 * options.checkpoint_minutes) {
      absl::Status saved = checkpoint();
      if (!saved.ok()) return saved;
      last_checkpoint = Clock::now();
    }
  }
  absl::Status saved = checkpoint();
  if (!saved.ok()) return saved;
  std::cout << "checkpoint at step " << position.step << " in " << options.state_dir << "\n";
  return absl::OkStatus();
}

}  // namespace vmm::train
