// The network computed the plain way: contiguous NCHW tensors, LibTorch's own reflection padding,
// nothing in place. Slow, but obviously right: tests and the benchmark compare the fast path
// (channels-last, in-place, own padding) against it.
#pragma once

#include <torch/types.h>

#include "engine/network.h"

namespace vmm::engine {

// Encoder of `net` on NCHW frames, computed plainly.
Encoding ReferenceEncode(MagnificationNetImpl& net, const torch::Tensor& frames);

// Manipulator of `net`, computed plainly.
torch::Tensor ReferenceManipulate(MagnificationNetImpl& net, const torch::Tensor& motion,
                                  const torch::Tensor& base, const torch::Tensor& alpha);

// Decoder of `net`, computed plainly.
torch::Tensor ReferenceDecode(MagnificationNetImpl& net, const torch::Tensor& texture,
                              const torch::Tensor& shape);

// Multiply-accumulates of one output frame of size height x width in static mode: one encoder,
// one manipulator and one decoder pass (what the fast path spends per frame).
int64_t MacsPerFrame(int64_t height, int64_t width);

}  // namespace vmm::engine
