// The engine's own Winograd F(4x4, 3x3) convolution on the blocked layout (engine/blocked_layout.h),
// for CPUs where oneDNN has no Winograd kernel (oneDNN 2.6 has one for AVX-512 only): each 4x4
// output tile is computed from a 6x6 input tile with 36 multiplies per channel pair instead of
// 144 (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). The input and
// output transforms are this file's own vector code, compiled for AVX-512, AVX2 and baseline
// x86-64 and chosen at run time from the ISA oneDNN reports (so ONEDNN_MAX_CPU_ISA pins them too);
// the 36 matrix products per chunk of tiles run in oneDNN's JIT sgemm. Zero padding of 1, stride 1,
// no bias, optionally a fused ReLU: the same contract as OneDnnConvolution::Run.
//
// Built only with oneDNN (VMM_HAVE_ONEDNN); elsewhere Available() is false.
//
// Thread-safety: Run may be called concurrently; it splits its own work over LibTorch's threads.
#pragma once

#include <torch/types.h>

namespace vmm::engine {

class WinogradConvolution3x3 {
 public:
  // Whether this build has the kernel (it needs oneDNN's sgemm).
  static bool Available();

  // `weight` is [O, C, 3, 3] (float32, any device is copied to the CPU); O and C are multiples of
  // `channel_block` (8 or 16), the lane count of the tensors Run takes.
  WinogradConvolution3x3(const torch::Tensor& weight, int64_t channel_block);

  // Convolves `input` ([N, C/L, H, W, L], contiguous float32, L the channel block) with zero
  // padding 1; returns [N, O/L, H, W, L], passed through ReLU when `relu`.
  torch::Tensor Run(const torch::Tensor& input, bool relu) const;

  // Which compiled variant of the transforms runs here: "avx512", "avx2" or "baseline".
  static const char* TransformVariant();

 private:
  int64_t in_channels_;
  int64_t out_channels_;
  int64_t channel_block_;
  torch::Tensor transformed_weight_;  // [36, C, O]: G g G^T for every channel pair
};

}  // namespace vmm::engine
