// Which convolution kernels the engine runs on this CPU. The choice follows the ISA oneDNN runs
// with (the CPU's, lowered by ONEDNN_MAX_CPU_ISA), so that one machine can exercise every path:
//   AVX-512:      16-channel blocks, oneDNN's Winograd kernels;
//   AVX2, SSE4.1: 8-channel blocks, the engine's own Winograd (engine/winograd_convolution.h) on
//                 oneDNN's sgemm, since oneDNN 2.6 has Winograd for AVX-512 only;
// and never a reference ("ref:") kernel on a hot path: a layer oneDNN offers only a reference
// kernel for takes the next path (the engine's Winograd, else LibTorch's convolution).
//
// The kernels each kind of layer actually ran are recorded, for benchmarks, logs and metrics,
// and so that tests can assert what ran.
//
// Thread-safety: all functions may be called concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <c10/core/Device.h>

namespace vmm::engine {

// Channels per block of the blocked layout (engine/blocked_layout.h) in this process: 16 where
// oneDNN runs with AVX-512, 8 elsewhere (the block its AVX2 and SSE4.1 kernels want).
int64_t ChannelBlock();

// The ISA oneDNN runs with, in ONEDNN_MAX_CPU_ISA's spelling lowered ("avx512_core", "avx2",
// "sse41", ...); "none" in a build without oneDNN.
std::string OneDnnIsa();

// The instruction set the engine's own vector kernels (engine/winograd_convolution.h,
// engine/few_outputs_convolution.h) run with here, chosen once from the ISA oneDNN runs with, so
// that ONEDNN_MAX_CPU_ISA pins them too: AVX-512, AVX2 with FMA, else baseline x86-64.
enum class VectorIsa { kAvx512, kAvx2, kBaseline };
VectorIsa EngineVectorIsa();

// "avx512", "avx2" or "baseline".
const char* VectorIsaName(VectorIsa isa);

// Whether a oneDNN implementation name (primitive_desc::impl_info_str) is a reference kernel.
bool IsReferenceKernel(std::string_view implementation);

// Records that a layer of `layer_kind` (e.g. "3x3 conv 64->64") ran on `kernel`.
void NoteKernel(const std::string& layer_kind, const std::string& kernel);

// Every layer kind run so far in this process, with the kernels it ran on ("a, b" when more
// than one, e.g. for different frame sizes).
std::map<std::string, std::string> KernelsUsed();

// Forgets what KernelsUsed() has recorded (for tests and benchmarks that compare runs).
void ClearKernelsUsed();

// One line naming the convolution kernel family inference uses on `device`, for logs,
// `--verbose` and metrics, e.g. "oneDNN Winograd (avx512_core, 16-channel blocks)".
std::string ConvolutionKernelFamily(const c10::Device& device = c10::Device(c10::kCPU));

}  // namespace vmm::engine
