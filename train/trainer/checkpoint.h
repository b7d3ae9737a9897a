// Training checkpoints in a state directory, safe against being killed at any moment (SIGKILL
// included): the weights (engine weights format) and the Adam state are written under names
// that carry the step, each through a temporary file renamed into place, and only then does
// checkpoint.json, itself replaced by rename, point at them. Older files are deleted afterwards.
//
//   <state>/checkpoint.json           {"step", "wall_seconds", "weights", "optimizer", ...}
//   <state>/weights-<step>.vmmw       engine::SaveWeights format
//   <state>/optimizer-<step>.pt       torch::save of the Adam optimizer
//   <state>/averaged-<step>.vmmw      the moving average of the weights (weight_average.h), if kept
//
// Thread-safety: none; one trainer owns a state directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <torch/optim/adam.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/network.h"

namespace vmm::train {

// Where training stands, as recorded in checkpoint.json.
struct TrainingPosition {
  int64_t step = 0;           // optimiser steps taken (the next batch index)
  double wall_seconds = 0;    // training wall time summed over all runs
  std::string description;    // written into the weights header (crop, lambda, data)
  int64_t average_updates = 0;  // updates folded into the saved weight average (0: none saved)
};

// What LoadCheckpoint restored.
struct RestoredCheckpoint {
  TrainingPosition position;
  bool optimizer_restored = false;  // false: weights only; the caller keeps a fresh Adam
  std::string optimizer_problem;    // why the optimiser state was not restored
  bool average_restored = false;    // false: no weight average saved (or none asked for)
};

// The weights-file description of a weight average of a run described by `description`.
std::string AveragedDescription(const std::string& description);

// True when `state_dir` holds a checkpoint.json.
bool HasCheckpoint(const std::string& state_dir);

// Writes a checkpoint of `net`, `optimizer` and, when given, the weight average `averaged`
// (with `position.average_updates`) at `position` into `state_dir` (created if missing).
// INTERNAL with the file and the reason when a write fails.
absl::Status SaveCheckpoint(const std::string& state_dir, engine::MagnificationNetImpl& net,
                            torch::optim::Adam& optimizer, const TrainingPosition& position,
                            engine::MagnificationNetImpl* averaged = nullptr);

// Loads the last checkpoint of `state_dir` into `net` and, when its file is present and
// readable, `optimizer`; and into `averaged`, when given and the checkpoint has a weight
// average. NOT_FOUND without checkpoint.json; DATA_LOSS for an unreadable checkpoint.json; the
// weights' own errors when they cannot be loaded.
absl::StatusOr<RestoredCheckpoint> LoadCheckpoint(const std::string& state_dir,
                                                  engine::MagnificationNetImpl& net,
                                                  torch::optim::Adam& optimizer,
                                                  engine::MagnificationNetImpl* averaged = nullptr);

}  // namespace vmm::train
