#include "engine/runtime.h"

#include <malloc.h>

#include <thread>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace vmm::engine {

absl::StatusOr<torch::Device> ResolveDevice(const std::string& name) {
  const bool has_cuda = torch::cuda::is_available();
  if (name.empty() || name == "auto") {
    return has_cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  }
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name == "cuda" || absl::StartsWith(name, "cuda:")) {
    if (!has_cuda) {
      return absl::FailedPreconditionError(
          "device 'cuda' asked for, but this build of LibTorch has no CUDA or no GPU is visible; "
          "use --device cpu or auto");
    }
    int index = 0;
    if (name.size() > 5 && !absl::SimpleAtoi(name.substr(5), &index)) {
      return absl::InvalidArgumentError(absl::StrCat("device '", name, "' has no valid index"));
    }
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index < 0 || index >= count) {
      return absl::InvalidArgumentError(
          absl::StrCat("device '", name, "' does not exist: ", count, " CUDA devices visible"));
    }
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("device must be auto, cpu, cuda or cuda:N, got '", name, "'"));
}

void ConfigureThreads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
}

void KeepFreedMemoryForReuse() {
  // One arena for every thread: a thread's own arena grows in 64 MiB heaps, so a frame batch's
  // larger activations would fall back to mmap (and page faults) whenever a job runs outside main.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace vmm::engine
