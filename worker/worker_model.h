// The one network of a worker process, shared by every job and live session: loaded once
// through engine::LoadModel (vmm-worker loads it at start-up, so a worker whose model cannot be
// read takes no work), in eval mode on the worker's device, which was resolved once too. Also
// names devices the way the server and the metrics show them.
//
// Thread-safety: Get may be called from any thread; the network itself supports concurrent
// inference (engine/network.h). Ownership: WorkerModel owns the network.
#pragma once

#include <torch/types.h>

#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "engine/model_loader.h"

namespace vmm::worker {

// "cpu" or "cuda:N": the name the worker reports to the server and in vmm_worker_info.
std::string DeviceName(const torch::Device& device);

// Loads the worker's network on first use and keeps it.
class WorkerModel {
 public:
  // `model_path` empty: the default model (engine::DefaultModelPath()).
  WorkerModel(std::string model_path, torch::Device device);

  // The network, loading it on the first call; the load error, naming the file, otherwise.
  absl::StatusOr<engine::LoadedModel> Get();

 private:
  const std::string model_path_;
  const torch::Device device_;
  std::mutex mutex_;
  std::optional<engine::LoadedModel> model_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace vmm::worker
