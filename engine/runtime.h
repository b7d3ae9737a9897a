// Process-wide set-up for running the engine: which device to use, how many CPU threads, and an
// allocator setting that keeps large activation buffers mapped between frames (returning them to
// the kernel after every layer costs more than the convolutions on CPU).
#pragma once

#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace vmm::engine {

// "auto" (CUDA when this LibTorch build and a GPU have it, else CPU), "cpu", "cuda" or "cuda:N".
// Asking for CUDA where there is none is FAILED_PRECONDITION with the reason.
absl::StatusOr<torch::Device> ResolveDevice(const std::string& name);

// Sets LibTorch's intra-op CPU threads: `threads` > 0 as given, 0 for one per hardware thread.
void ConfigureThreads(int threads);

// Keeps freed memory in the process (glibc: no mmap for large blocks, no trimming). Call once at
// start-up of programs that run the network; harmless elsewhere.
void KeepFreedMemoryForReuse();

}  // namespace vmm::engine
