// One stride-1 convolution layer run by oneDNN directly, on tensors in the 16-channel blocked
// layout (engine/blocked_layout.h): Winograd F(4x4, 3x3) for 3x3 kernels where the CPU has it
// (about 2.5 times the direct convolution's throughput here), else oneDNN's direct kernel; zero
// padding of k / 2, no bias, optionally a fused ReLU. LibTorch's own convolution offers neither
// Winograd nor fused activations, which is why the engine calls oneDNN itself on the CPU.
//
// Built only where oneDNN's headers are found (Debian's libdnnl-dev, the library LibTorch itself
// uses there); elsewhere Available() is false and the engine keeps LibTorch's convolutions.
//
// Thread-safety: Run may be called concurrently.
#pragma once

#include <memory>

#include <torch/types.h>

namespace vmm::engine {

class OneDnnConvolution {
 public:
  // Whether this build has oneDNN and its CPU engine starts (it can be turned off for comparisons
  // with SetOneDnnEnabled).
  static bool Available();

  // Turns the oneDNN path on or off for the whole process (on by default where available).
  static void SetEnabled(bool enabled);

  // `weight` is [O, C, k, k] float32 on the CPU with O and C multiples of 16 and k odd; it is
  // copied, so later changes to the tensor are not seen.
  explicit OneDnnConvolution(const torch::Tensor& weight);
  ~OneDnnConvolution();

  // Convolves `input` ([N, C/16, H, W, 16], contiguous float32) with zero padding; returns
  // [N, O/16, H, W, 16], passed through ReLU when `relu`.
  torch::Tensor Run(const torch::Tensor& input, bool relu);

  // Name of the oneDNN kernel chosen for the last Run (for benchmarks), "" before any.
  std::string last_kernel() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vmm::engine
