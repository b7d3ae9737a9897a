#include "worker/worker_model.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace vmm::worker {

std::string DeviceName(const torch::Device& device) {
  if (device.is_cuda()) return absl::StrCat("cuda:", device.has_index() ? device.index() : 0);
  return "cpu";
}

WorkerModel::WorkerModel(std::string model_path, torch::Device device)
    : model_path_(std::move(model_path)), device_(device) {}

absl::StatusOr<engine::LoadedModel> WorkerModel::Get() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (model_.has_value()) return *model_;
  absl::StatusOr<engine::LoadedModel> loaded = engine::LoadModel(model_path_, device_);
  if (!loaded.ok()) return loaded.status();
  model_ = *loaded;
  return *model_;
}

}  // namespace vmm::worker
