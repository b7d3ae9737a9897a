// The engine's own CPU kernels' vector types: eight and sixteen float lanes, one AVX2 or AVX-512
// register (GCC's vector extensions; the compiler splits them where the target's registers are
// narrower), with unaligned loads and stores. Included only by kernels that inline this code into
// per-ISA entry points (engine/winograd_convolution.cc, engine/few_outputs_convolution.cc).
#pragma once

#include <cstring>

namespace vmm::engine::vectors {

typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));

// The lanes of V starting at `p` (any alignment).
template <typename V>
[[gnu::always_inline]] inline V Load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}

// Writes the lanes of `v` at `p` (any alignment).
template <typename V>
[[gnu::always_inline]] inline void Store(float* p, V v) {
  std::memcpy(p, &v, sizeof(V));
}

}  // namespace vmm::engine::vectors
