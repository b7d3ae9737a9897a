// Loads a weights file into a ready-to-run network: parameters on the chosen device, eval mode,
// channels-last on CPU. The one place binaries turn a path into a network.
#pragma once

#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "engine/network.h"
#include "engine/weights_file.h"

namespace vmm::engine {

// A network ready for inference and what its file says about itself.
struct LoadedModel {
  MagnificationNet net{nullptr};
  WeightsHeader header;
  torch::Device device = torch::kCPU;
};

// Path of the model compiled in as the default (models/vmm-base.vmmw of the source tree), or the
// VMM_MODEL environment variable when set.
std::string DefaultModelPath();

// Loads `path` (empty: DefaultModelPath()) onto `device`. A missing default model gets a message
// saying that no trained model has been committed yet and how to pass one.
absl::StatusOr<LoadedModel> LoadModel(const std::string& path, torch::Device device);

}  // namespace vmm::engine
