#include "engine/kernel_choice.h"

#include <mutex>
#include <set>

#include "engine/onednn_convolution.h"
#include "engine/winograd_convolution.h"

#ifdef VMM_HAVE_ONEDNN
#include "engine/onednn_engine.h"
#endif

namespace vmm::engine {

namespace {

struct KernelRecord {
  std::mutex mutex;
  std::map<std::string, std::set<std::string>> kernels_by_layer;
};

KernelRecord& Record() {
  static auto* const record = new KernelRecord();
  return *record;
}

}  // namespace

#ifdef VMM_HAVE_ONEDNN

dnnl::memory::format_tag BlockedFormatTag() {
  return ChannelBlock() == 16 ? dnnl::memory::format_tag::aBcd16b
                              : dnnl::memory::format_tag::aBcd8b;
}

int64_t ChannelBlock() {
  static const int64_t block = OneDnnRunsWith(dnnl::cpu_isa::avx512_core) ? 16 : 8;
  return block;
}

std::string OneDnnIsa() {
  // From the widest down; each name is also what ONEDNN_MAX_CPU_ISA takes.
  static const std::pair<dnnl::cpu_isa, const char*> kIsas[] = {
      {dnnl::cpu_isa::avx512_core_amx, "avx512_core_amx"},
      {dnnl::cpu_isa::avx512_core_bf16, "avx512_core_bf16"},
      {dnnl::cpu_isa::avx512_core_vnni, "avx512_core_vnni"},
      {dnnl::cpu_isa::avx512_core, "avx512_core"},
      {dnnl::cpu_isa::avx2_vnni, "avx2_vnni"},
      {dnnl::cpu_isa::avx2, "avx2"},
      {dnnl::cpu_isa::avx, "avx"},
      {dnnl::cpu_isa::sse41, "sse41"},
  };
  for (const auto& [isa, name] : kIsas) {
    if (OneDnnRunsWith(isa)) return name;
  }
  return "baseline";
}

VectorIsa EngineVectorIsa() {
  static const VectorIsa isa =
      OneDnnRunsWith(dnnl::cpu_isa::avx512_core) ? VectorIsa::kAvx512
      : OneDnnRunsWith(dnnl::cpu_isa::avx2) && __builtin_cpu_supports("fma") ? VectorIsa::kAvx2
                                                                              : VectorIsa::kBaseline;
  return isa;
}

#else  // !VMM_HAVE_ONEDNN

int64_t ChannelBlock() { return 16; }

std::string OneDnnIsa() { return "none"; }

VectorIsa EngineVectorIsa() { return VectorIsa::kBaseline; }

#endif  // VMM_HAVE_ONEDNN

const char* VectorIsaName(VectorIsa isa) {
  switch (isa) {
    case VectorIsa::kAvx512:
      return "avx512";
    case VectorIsa::kAvx2:
      return "avx2";
    case VectorIsa::kBaseline:
      break;
  }
  return "baseline";
}

bool IsReferenceKernel(std::string_view implementation) {
  return implementation.substr(0, 4) == "ref:" || implementation == "ref";
}

void NoteKernel(const std::string& layer_kind, const std::string& kernel) {
  KernelRecord& record = Record();
  std::lock_guard<std::mutex> lock(record.mutex);
  record.kernels_by_layer[layer_kind].insert(kernel);
}

std::map<std::string, std::string> KernelsUsed() {
  KernelRecord& record = Record();
  std::lock_guard<std::mutex> lock(record.mutex);
  std::map<std::string, std::string> used;
  for (const auto& [layer, kernels] : record.kernels_by_layer) {
    std::string joined;
    for (const std::string& kernel : kernels) joined += (joined.empty() ? "" : ", ") + kernel;
    used[layer] = joined;
  }
  return used;
}

void ClearKernelsUsed() {
  KernelRecord& record = Record();
  std::lock_guard<std::mutex> lock(record.mutex);
  record.kernels_by_layer.clear();
}

std::string ConvolutionKernelFamily(const c10::Device& device) {
  if (!device.is_cpu()) return "LibTorch convolutions on " + device.str();
  if (!OneDnnConvolution::Available()) return "LibTorch convolutions";
  const std::string blocks =
      OneDnnIsa() + ", " + std::to_string(ChannelBlock()) + "-channel blocks";
  if (ChannelBlock() == 16) return "oneDNN Winograd (" + blocks + ")";
  return std::string("engine Winograd F(4x4,3x3) with ") + WinogradConvolution3x3::TransformVariant() +
         " transforms on oneDNN sgemm (" + blocks + ")";
}

}  // namespace vmm::engine
