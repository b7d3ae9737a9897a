// The process's oneDNN CPU engine, shared by the engine's oneDNN convolutions. Only for files
// compiled with VMM_HAVE_ONEDNN (engine/CMakeLists.txt).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

namespace vmm::engine {

// The oneDNN CPU engine, created on first use; null when oneDNN cannot start.
const dnnl::engine* OneDnnCpuEngine();

}  // namespace vmm::engine
