#include "engine/model_loader.h"

#include <cstdlib>
#include <filesystem>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"

#ifndef VMM_DEFAULT_MODEL_PATH
#define VMM_DEFAULT_MODEL_PATH "models/vmm-base.vmmw"
#endif

namespace vmm::engine {

std::string DefaultModelPath() {
  if (const char* from_environment = std::getenv("VMM_MODEL"); from_environment && *from_environment) {
    return from_environment;
  }
  return VMM_DEFAULT_MODEL_PATH;
}

absl::StatusOr<LoadedModel> LoadModel(const std::string& path, torch::Device device) {
  const bool is_default = path.empty();
  const std::string file = is_default ? DefaultModelPath() : path;
  if (is_default && !std::filesystem::exists(file)) {
    return absl::NotFoundError(absl::StrCat(
        "no trained model at '", file, "': the default model (models/vmm-base.vmmw) has not been "
        "trained and committed yet; pass --model PATH to a weights file (vmm-train writes them)"));
  }
  LoadedModel model;
  model.net = MagnificationNet();
  auto header = LoadWeights(file, *model.net);
  if (!header.ok()) return header.status();
  model.header = *header;
  model.device = device;
  try {
    model.net->to(device);
    model.net->eval();
    if (device.is_cpu()) ConvertToChannelsLast(*model.net);
  } catch (const c10::Error& error) {
    return absl::InternalError(absl::StrCat("cannot move model '", file, "' to ", device.str(),
                                            ": ", error.what_without_backtrace()));
  }
  return model;
}

}  // namespace vmm::engine
