// One stride-1 convolution layer run by oneDNN directly, on tensors in the channel-blocked
// layout (engine/blocked_layout.h): Winograd F(4x4, 3x3) for 3x3 kernels where the CPU has it
// (AVX-512; about 2.5 times the direct convolution's throughput there), else oneDNN's direct
// kernel; zero padding of k / 2, no bias, optionally a fused ReLU. LibTorch's own convolution
// offers neither Winograd nor fused activations, which is why the engine calls oneDNN itself.
// A reference ("ref:") kernel is never run: Run says so instead, and the caller takes another
// path (engine/kernel_choice.h).
//
// Built only where oneDNN's headers are found (Debian's libdnnl-dev, the library LibTorch itself
// uses there); elsewhere Available() is false and the engine keeps LibTorch's convolutions.
//
// Thread-safety: Run may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include <torch/types.h>

namespace vmm::engine {

class OneDnnConvolution {
 public:
  // Whether this build has oneDNN and its CPU engine starts (it can be turned off for comparisons
  // with SetEnabled). Which kernels it has for a shape, Run finds out.
  static bool Available();

  // Turns the oneDNN path on or off for the whole process (on by default where available).
  static void SetEnabled(bool enabled);

  // Which algorithms the layer may take.
  enum class Algorithms { kWinogradOrDirect, kWinogradOnly };

  // `weight` is [O, C, k, k] float32 on the CPU with O and C multiples of ChannelBlock() and k
  // odd; it is copied, so later changes to the tensor are not seen.
  explicit OneDnnConvolution(const torch::Tensor& weight,
                             Algorithms algorithms = Algorithms::kWinogradOrDirect);
  ~OneDnnConvolution();

  // Convolves `input` ([N, C/L, H, W, L], contiguous float32, L = ChannelBlock()) with zero
  // padding; returns [N, O/L, H, W, L], passed through ReLU when `relu`. Returns an undefined
  // tensor when oneDNN has no kernel for this shape among `algorithms` but a reference one.
  // `kernel`, when given, receives the name of the kernel that ran ("" when none did).
  torch::Tensor Run(const torch::Tensor& input, bool relu, std::string* kernel = nullptr);

  // Name of the oneDNN kernel chosen for the last Run (for benchmarks), "" before any or when
  // the last Run had no kernel.
  std::string last_kernel() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vmm::engine
