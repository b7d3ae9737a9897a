// The process's oneDNN CPU engine, shared by the engine's oneDNN convolutions. Only for files
// compiled with VMM_HAVE_ONEDNN (engine/CMakeLists.txt).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

namespace vmm::engine {

// The oneDNN CPU engine, created on first use; null when oneDNN cannot start.
const dnnl::engine* OneDnnCpuEngine();

// Whether the ISA oneDNN runs with (the CPU's, lowered by ONEDNN_MAX_CPU_ISA) includes `isa`.
bool OneDnnRunsWith(dnnl::cpu_isa isa);

// oneDNN's tag for the blocked layout with this process's ChannelBlock() (engine/kernel_choice.h):
// aBcd16b or aBcd8b.
dnnl::memory::format_tag BlockedFormatTag();

}  // namespace vmm::engine
