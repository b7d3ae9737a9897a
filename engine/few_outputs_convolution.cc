#include "engine/few_outputs_convolution.h"

#include <algorithm>

#include <torch/torch.h>

#include "engine/float_vectors.h"
#include "engine/kernel_choice.h"


namespace vmm::engine {

namespace {

using vectors::Load;
using vectors::Vec16;
using vectors::Vec8;

// The largest kernel a row of tap columns is kept for.
constexpr int kMaxKernel = 15;

// Pixels computed together where their taps need no mirroring: each weight load serves four.
constexpr int kPixelsPerStep = 4;

// One Run's problem; pointers into contiguous float32 storage.
struct Problem {
  const float* input;   // [N, C/L, PH, PW, L], interior at (ring, ring)
  const float* weight;  // [O, C/L, k, k, L]
  float* output;        // [N, O, H, W]
  int64_t lanes, out_channels, in_blocks, kernel, ring, height, width, padded_height,
      padded_width;
};

// numpy's 'reflect' index into [0, size) for i in (-size, 2 size - 1).
inline int64_t Reflect(int64_t i, int64_t size) {
  if (i < 0) return -i;
  if (i >= size) return 2 * (size - 1) - i;
  return i;
}

template <typename V>
[[gnu::always_inline]] inline float LaneSum(V v) {
  float sum = 0;
  for (size_t i = 0; i < sizeof(V) / sizeof(float); ++i) sum += v[i];
  return sum;
}

// P pixels of output row `y` of image `n`: `rows` holds the k padded row indices of the taps,
// `columns[pixel][kx]` the padded column index of each tap; results go to `out[o * plane + pixel]`.
template <typename V, int O, int P>
[[gnu::always_inline]] inline void Pixels(const Problem& p, int64_t n, const int64_t* rows,
                                          const int64_t (*columns)[kMaxKernel], float* out) {
  constexpr int64_t L = sizeof(V) / sizeof(float);
  V sums[P][O] = {};
  const int64_t k = p.kernel;
  for (int64_t cb = 0; cb < p.in_blocks; ++cb) {
    const float* plane = p.input + (n * p.in_blocks + cb) * p.padded_height * p.padded_width * L;
    for (int64_t ky = 0; ky < k; ++ky) {
      const float* row = plane + rows[ky] * p.padded_width * L;
      const float* taps = p.weight + (cb * k + ky) * k * L;
      for (int64_t kx = 0; kx < k; ++kx) {
        V w[O];
        for (int o = 0; o < O; ++o) w[o] = Load<V>(taps + o * p.in_blocks * k * k * L + kx * L);
        for (int pixel = 0; pixel < P; ++pixel) {
          const V v = Load<V>(row + columns[pixel][kx] * L);
          for (int o = 0; o < O; ++o) sums[pixel][o] += v * w[o];
        }
      }
    }
  }
  const int64_t plane_size = p.height * p.width;
  for (int pixel = 0; pixel < P; ++pixel) {
    for (int o = 0; o < O; ++o) out[o * plane_size + pixel] = LaneSum(sums[pixel][o]);
  }
}

// Output pixel x of a row whose taps near the edge are mirrored column by column.
template <typename V, int O>
[[gnu::always_inline]] inline void MirroredPixel(const Problem& p, int64_t n, int64_t x,
                                                 const int64_t* rows,
                                                 int64_t (*columns)[kMaxKernel], float* out) {
  const int64_t half = p.kernel / 2;
  for (int64_t kx = 0; kx < p.kernel; ++kx) {
    columns[0][kx] = Reflect(x + kx - half, p.width) + p.ring;
  }
  Pixels<V, O, 1>(p, n, rows, columns, out + x);
}

// Output pixels x .. x + P - 1 of a row, all of whose taps lie in the padded tensor.
template <typename V, int O, int P>
[[gnu::always_inline]] inline void DirectPixels(const Problem& p, int64_t n, int64_t x,
                                                const int64_t* rows,
                                                int64_t (*columns)[kMaxKernel], float* out) {
  const int64_t half = p.kernel / 2;
  for (int pixel = 0; pixel < P; ++pixel) {
    for (int64_t kx = 0; kx < p.kernel; ++kx) columns[pixel][kx] = x + pixel + kx - half + p.ring;
  }
  Pixels<V, O, P>(p, n, rows, columns, out + x);
}

// Output rows [begin, end) of the flattened [N, H] rows. Everything it calls is inlined, so
// that each per-ISA entry point below gets its own vector code.
template <typename V, int O>
[[gnu::always_inline]] inline void Rows(const Problem& p, int64_t begin, int64_t end) {
  const int64_t half = p.kernel / 2;
  // Columns whose taps all lie in the padded tensor without mirroring.
  const int64_t first_direct = std::max<int64_t>(0, half - p.ring);
  const int64_t end_direct = std::max(first_direct, std::min(p.width, p.width + p.ring - half));
  int64_t rows[kMaxKernel];
  int64_t columns[kPixelsPerStep][kMaxKernel];
  for (int64_t flat = begin; flat < end; ++flat) {
    const int64_t n = flat / p.height, y = flat % p.height;
    for (int64_t ky = 0; ky < p.kernel; ++ky) {
      rows[ky] = Reflect(y + ky - half, p.height) + p.ring;
    }
    float* out = p.output + n * O * p.height * p.width + y * p.width;
    int64_t x = 0;
    for (; x < first_direct; ++x) MirroredPixel<V, O>(p, n, x, rows, columns, out);
    for (; x + kPixelsPerStep <= end_direct; x += kPixelsPerStep) {
      DirectPixels<V, O, kPixelsPerStep>(p, n, x, rows, columns, out);
    }
    for (; x < end_direct; ++x) DirectPixels<V, O, 1>(p, n, x, rows, columns, out);
    for (; x < p.width; ++x) MirroredPixel<V, O>(p, n, x, rows, columns, out);
  }
}

template <typename V>
[[gnu::always_inline]] inline void RowsFor(const Problem& p, int64_t begin, int64_t end) {
  switch (p.out_channels) {
    case 1: return Rows<V, 1>(p, begin, end);
    case 2: return Rows<V, 2>(p, begin, end);
    case 3: return Rows<V, 3>(p, begin, end);
    default: return Rows<V, 4>(p, begin, end);
  }
}

// The entry points, one per ISA; each inlines the code above for its target.
__attribute__((target("avx512f"))) void RowsAvx512(const Problem& p, int64_t b, int64_t e) {
  p.lanes == 8 ? RowsFor<Vec8>(p, b, e) : RowsFor<Vec16>(p, b, e);
}
__attribute__((target("avx2,fma"))) void RowsAvx2(const Problem& p, int64_t b, int64_t e) {
  p.lanes == 8 ? RowsFor<Vec8>(p, b, e) : RowsFor<Vec16>(p, b, e);
}
void RowsBaseline(const Problem& p, int64_t b, int64_t e) {
  p.lanes == 8 ? RowsFor<Vec8>(p, b, e) : RowsFor<Vec16>(p, b, e);
}

// The entry point for the ISA the engine's vector kernels use here.
using RowsFunction = void (*)(const Problem&, int64_t, int64_t);
RowsFunction ChosenRowsFunction() {
  switch (EngineVectorIsa()) {
    case VectorIsa::kAvx512:
      return RowsAvx512;
    case VectorIsa::kAvx2:
      return RowsAvx2;
    case VectorIsa::kBaseline:
      break;
  }
  return RowsBaseline;
}

}  // namespace

FewOutputsConvolution::FewOutputsConvolution(const torch::Tensor& weight) {
  TORCH_CHECK(weight.dim() == 4 && weight.size(0) >= 1 && weight.size(0) <= 4 &&
                  weight.size(2) == weight.size(3) && weight.size(2) % 2 == 1 &&
                  weight.size(2) <= kMaxKernel && weight.size(1) % 8 == 0,
              "few-outputs convolution needs [O <= 4, C, k, k] weights with k odd, k <= ",
              kMaxKernel, " and C a multiple of 8, got ", weight.sizes());
  out_channels_ = weight.size(0);
  in_channels_ = weight.size(1);
  kernel_ = weight.size(2);
  weight_ = weight.detach().to(torch::kCPU, torch::kFloat32).contiguous().clone();
}

const char* FewOutputsConvolution::Variant() { return VectorIsaName(EngineVectorIsa()); }

torch::Tensor FewOutputsConvolution::Run(const torch::Tensor& input, int64_t ring) const {
  TORCH_CHECK(input.dim() == 5 && (input.size(4) == 8 || input.size(4) == 16) &&
                  input.is_contiguous() && input.scalar_type() == torch::kFloat32 &&
                  input.device().is_cpu() && input.size(1) * input.size(4) == in_channels_ &&
                  ring >= 0 && input.size(2) > 2 * ring && input.size(3) > 2 * ring,
              "few-outputs convolution input must be blocked float32 with ", in_channels_,
              " channels and a ring of ", ring, ", got ", input.sizes());
  const int64_t lanes = input.size(4);
  TORCH_CHECK(in_channels_ % lanes == 0, in_channels_, " channels do not fill blocks of ", lanes);
  Problem p;
  p.lanes = lanes;
  p.out_channels = out_channels_;
  p.in_blocks = in_channels_ / lanes;
  p.kernel = kernel_;
  p.ring = ring;
  p.padded_height = input.size(2);
  p.padded_width = input.size(3);
  p.height = p.padded_height - 2 * ring;
  p.width = p.padded_width - 2 * ring;
  TORCH_CHECK(kernel_ / 2 < p.height && kernel_ / 2 < p.width, "a ", kernel_, "x", kernel_,
              " convolution behind reflection padding needs a frame larger than ", p.height, "x",
              p.width);
  // [O, C, k, k] -> [O, C/L, k, k, L]: the lanes of one tap contiguous.
  const torch::Tensor weight =
      weight_.view({out_channels_, p.in_blocks, lanes, kernel_, kernel_})
          .permute({0, 1, 3, 4, 2})
          .contiguous();
  const int64_t n = input.size(0);
  torch::Tensor output = torch::empty({n, out_channels_, p.height, p.width}, input.options());
  p.input = input.data_ptr<float>();
  p.weight = weight.data_ptr<float>();
  p.output = output.data_ptr<float>();
  const RowsFunction rows = ChosenRowsFunction();
  at::parallel_for(0, n * p.height, 1,
                   [&](int64_t begin, int64_t end) { rows(p, begin, end); });
  return output;
}

}  // namespace vmm::engine
