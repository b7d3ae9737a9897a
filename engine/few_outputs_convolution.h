// A stride-1 k x k convolution behind reflection padding with few output channels (1 to 4) on
// the blocked layout (engine/blocked_layout.h): the decoder's last layer (32 -> 3, 7x7), which
// oneDNN's and LibTorch's direct kernels run at the cost of 8 or 16 output channels (they
// vectorise over outputs: 15 GMAC/s of 96 with AVX2 here). This one vectorises over input channels
// and computes four neighbouring pixels at once, so every multiply is a useful one. Compiled for
// AVX-512, AVX2 and baseline x86-64 and chosen from the ISA oneDNN reports, as
// engine/winograd_convolution.h is.
//
// Thread-safety: Run may be called concurrently; it splits its own work over LibTorch's threads.
#pragma once

#include <torch/types.h>

namespace vmm::engine {

class FewOutputsConvolution {
 public:
  // `weight` is [O, C, k, k] float32 (copied to the CPU) with 1 <= O <= 4 and k odd; C must be a
  // multiple of the channel block of the tensors Run takes.
  explicit FewOutputsConvolution(const torch::Tensor& weight);

  // conv2d(ReflectPad(interior, k / 2), weight) for `input` = [N, C/L, H+2r, W+2r, L] (contiguous
  // float32, L = 8 or 16) whose interior is H x W inside a ring of `ring` (any width; the ring is
  // not read where it is narrower than k / 2, the interior is mirrored instead). Returns
  // [N, O, H, W], contiguous. REQUIRES: k / 2 < H and k / 2 < W.
  torch::Tensor Run(const torch::Tensor& input, int64_t ring) const;

  // Which compiled variant runs here: "avx512", "avx2" or "baseline".
  static const char* Variant();

 private:
  int64_t out_channels_;
  int64_t in_channels_;
  int64_t kernel_;
  torch::Tensor weight_;  // [O, C, k, k] contiguous float32, rearranged per lane count in Run
};

}  // namespace vmm::engine
