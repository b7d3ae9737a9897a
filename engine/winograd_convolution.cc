#include "engine/winograd_convolution.h"

#include <algorithm>
#include <vector>

#include <torch/torch.h>

#include "engine/float_vectors.h"
#include "engine/kernel_choice.h"

#ifdef VMM_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

namespace vmm::engine {

#ifdef VMM_HAVE_ONEDNN

namespace {

using vectors::Load;
using vectors::Store;
using vectors::Vec16;
using vectors::Vec8;

// Tiles per chunk: the transformed inputs and products of a chunk stay in the core's cache
// between the transforms and the matrix products.
constexpr int64_t kTilesPerChunk = 128;

// Floats added between the 36 matrices of a chunk, so that the 36 values of one tile do not all
// fall into the same cache set (the matrices' sizes are multiples of 4 KiB).
constexpr int64_t kMatrixPadding = 16;

// What one chunk of tiles needs; every pointer is into contiguous float32 storage.
struct Chunk {
  const float* input;          // [N, C/L, H, W, L]
  float* output;               // [N, O/L, H, W, L]
  const float* weight;         // [36, C, O]
  float* transformed_input;    // 36 matrices [tiles, C], `input_stride` floats apart (scratch)
  float* products;             // 36 matrices [tiles, O], `product_stride` floats apart (scratch)
  int64_t input_stride, product_stride;
  int64_t in_blocks, out_blocks, height, width, tiles_y, tiles_x;
  int64_t first_tile, tiles;   // the chunk: tiles [first_tile, first_tile + tiles)
  bool relu;
};

// B^T z for six values at stride `s` of `z`, into `out` at stride `t`.
template <typename V>
[[gnu::always_inline]] inline void InputTransform1d(const V* z, int s, V* out, int t) {
  const V z0 = z[0], z1 = z[s], z2 = z[2 * s], z3 = z[3 * s], z4 = z[4 * s], z5 = z[5 * s];
  out[0] = 4.0f * z0 - 5.0f * z2 + z4;
  out[t] = z3 + z4 - 4.0f * (z1 + z2);
  out[2 * t] = z4 - z3 + 4.0f * (z1 - z2);
  out[3 * t] = z4 - z2 + 2.0f * (z3 - z1);
  out[4 * t] = z4 - z2 + 2.0f * (z1 - z3);
  out[5 * t] = 4.0f * z1 - 5.0f * z3 + z5;
}

// A^T m for six values at stride `s`, into four at stride `t`.
template <typename V>
[[gnu::always_inline]] inline void OutputTransform1d(const V* m, int s, V* out, int t) {
  const V m0 = m[0], m1 = m[s], m2 = m[2 * s], m3 = m[3 * s], m4 = m[4 * s], m5 = m[5 * s];
  const V sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
  out[0] = m0 + sum12 + sum34;
  out[t] = diff12 + 2.0f * diff34;
  out[2 * t] = sum12 + 4.0f * sum34;
  out[3 * t] = diff12 + 8.0f * diff34 + m5;
}

// One chunk: input transforms, the 36 products, output transforms. Inlined into each
// target-specific entry point below, so that its vector code is compiled for that ISA.
template <typename V>
[[gnu::always_inline]] inline void RunChunk(const Chunk& c) {
  constexpr int64_t L = sizeof(V) / sizeof(float);
  const int64_t in_channels = c.in_blocks * L, out_channels = c.out_blocks * L;
  const int64_t tiles_per_image = c.tiles_y * c.tiles_x;
  const V zero = {};
  for (int64_t local = 0; local < c.tiles; ++local) {
    const int64_t tile = c.first_tile + local;
    const int64_t n = tile / tiles_per_image, ty = (tile % tiles_per_image) / c.tiles_x,
                  tx = tile % c.tiles_x;
    const int64_t y0 = 4 * ty - 1, x0 = 4 * tx - 1;  // zero padding of 1
    const bool inside = y0 >= 0 && x0 >= 0 && y0 + 6 <= c.height && x0 + 6 <= c.width;
    for (int64_t cb = 0; cb < c.in_blocks; ++cb) {
      const float* plane = c.input + (n * c.in_blocks + cb) * c.height * c.width * L;
      V d[36], rows[36], v[36];
      for (int i = 0; i < 6; ++i) {
        const int64_t y = y0 + i;
        for (int j = 0; j < 6; ++j) {
          const int64_t x = x0 + j;
          d[6 * i + j] = (inside || (y >= 0 && y < c.height && x >= 0 && x < c.width))
                             ? Load<V>(plane + (y * c.width + x) * L)
                             : zero;
        }
      }
      for (int i = 0; i < 6; ++i) InputTransform1d(d + 6 * i, 1, rows + 6 * i, 1);
      for (int j = 0; j < 6; ++j) InputTransform1d(rows + j, 6, v + j, 6);
      float* destination = c.transformed_input + local * in_channels + cb * L;
      for (int xi = 0; xi < 36; ++xi) {
        Store(destination + xi * c.input_stride, v[xi]);
      }
    }
  }
  for (int xi = 0; xi < 36; ++xi) {
    dnnl_sgemm('N', 'N', c.tiles, out_channels, in_channels, 1.0f,
               c.transformed_input + xi * c.input_stride, in_channels,
               c.weight + xi * in_channels * out_channels, out_channels, 0.0f,
               c.products + xi * c.product_stride, out_channels);
  }
  for (int64_t local = 0; local < c.tiles; ++local) {
    const int64_t tile = c.first_tile + local;
    const int64_t n = tile / tiles_per_image, ty = (tile % tiles_per_image) / c.tiles_x,
                  tx = tile % c.tiles_x;
    const int64_t rows_left = std::min<int64_t>(4, c.height - 4 * ty),
                  columns_left = std::min<int64_t>(4, c.width - 4 * tx);
    for (int64_t ob = 0; ob < c.out_blocks; ++ob) {
      const float* source = c.products + local * out_channels + ob * L;
      V m[36], columns[24], y[16];
      for (int xi = 0; xi < 36; ++xi) m[xi] = Load<V>(source + xi * c.product_stride);
      for (int j = 0; j < 6; ++j) OutputTransform1d(m + j, 6, columns + j, 6);
      for (int i = 0; i < 4; ++i) OutputTransform1d(columns + 6 * i, 1, y + 4 * i, 1);
      float* plane = c.output + (n * c.out_blocks + ob) * c.height * c.width * L;
      for (int64_t i = 0; i < rows_left; ++i) {
        for (int64_t j = 0; j < columns_left; ++j) {
          V value = y[4 * i + j];
          if (c.relu) value = value > zero ? value : zero;
          Store(plane + ((4 * ty + i) * c.width + 4 * tx + j) * L, value);
        }
      }
    }
  }
}

// The entry points, one per ISA and lane count.
__attribute__((target("avx512f"))) void RunChunkAvx512(const Chunk& c, int64_t lanes) {
  lanes == 8 ? RunChunk<Vec8>(c) : RunChunk<Vec16>(c);
}
__attribute__((target("avx2,fma"))) void RunChunkAvx2(const Chunk& c, int64_t lanes) {
  lanes == 8 ? RunChunk<Vec8>(c) : RunChunk<Vec16>(c);
}
void RunChunkBaseline(const Chunk& c, int64_t lanes) {
  lanes == 8 ? RunChunk<Vec8>(c) : RunChunk<Vec16>(c);
}

// The entry point for the ISA the engine's vector kernels use here.
using ChunkFunction = void (*)(const Chunk&, int64_t lanes);
ChunkFunction ChosenChunkFunction() {
  switch (EngineVectorIsa()) {
    case VectorIsa::kAvx512:
      return RunChunkAvx512;
    case VectorIsa::kAvx2:
      return RunChunkAvx2;
    case VectorIsa::kBaseline:
      break;
  }
  return RunChunkBaseline;
}

// G g G^T for every [O, C] pair, as [36, C, O].
torch::Tensor TransformWeights(const torch::Tensor& weight) {
  const torch::Tensor g = weight.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  // G (6x3) of F(4x4, 3x3).
  const torch::Tensor transform = torch::tensor({{1.0 / 4, 0.0, 0.0},
                                                 {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                                 {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                                 {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                                 {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                                 {0.0, 0.0, 1.0}},
                                                torch::kFloat64);
  // [O, C, 6, 6] = G g G^T, then [6, 6, C, O] -> [36, C, O].
  const torch::Tensor u = torch::matmul(torch::matmul(transform, g), transform.t());
  return u.permute({2, 3, 1, 0}).reshape({36, g.size(1), g.size(0)}).to(torch::kFloat32)
      .contiguous();
}

}  // namespace

bool WinogradConvolution3x3::Available() { return true; }

const char* WinogradConvolution3x3::TransformVariant() {
  return VectorIsaName(EngineVectorIsa());
}

WinogradConvolution3x3::WinogradConvolution3x3(const torch::Tensor& weight,
                                               int64_t channel_block)
    : channel_block_(channel_block) {
  TORCH_CHECK(channel_block == 8 || channel_block == 16, "channel block must be 8 or 16, got ",
              channel_block);
  TORCH_CHECK(weight.dim() == 4 && weight.size(2) == 3 && weight.size(3) == 3 &&
                  weight.size(0) % channel_block == 0 && weight.size(1) % channel_block == 0,
              "Winograd convolution needs [O, C, 3, 3] weights with O, C multiples of ",
              channel_block, ", got ", weight.sizes());
  out_channels_ = weight.size(0);
  in_channels_ = weight.size(1);
  transformed_weight_ = TransformWeights(weight);
}

torch::Tensor WinogradConvolution3x3::Run(const torch::Tensor& input, bool relu) const {
  const int64_t lanes = channel_block_;
  TORCH_CHECK(input.dim() == 5 && input.size(4) == lanes && input.is_contiguous() &&
                  input.scalar_type() == torch::kFloat32 && input.device().is_cpu() &&
                  input.size(1) * lanes == in_channels_,
              "Winograd convolution input must be blocked float32 [N, ", in_channels_ / lanes,
              ", H, W, ", lanes, "], got ", input.sizes());
  const int64_t n = input.size(0), height = input.size(2), width = input.size(3);
  torch::Tensor output =
      torch::empty({n, out_channels_ / lanes, height, width, lanes}, input.options());
  Chunk base;
  base.input = input.data_ptr<float>();
  base.output = output.data_ptr<float>();
  base.weight = transformed_weight_.data_ptr<float>();
  base.in_blocks = in_channels_ / lanes;
  base.out_blocks = out_channels_ / lanes;
  base.height = height;
  base.width = width;
  base.tiles_y = (height + 3) / 4;
  base.tiles_x = (width + 3) / 4;
  base.relu = relu;
  const int64_t tiles = n * base.tiles_y * base.tiles_x;
  const int64_t chunks = (tiles + kTilesPerChunk - 1) / kTilesPerChunk;
  const ChunkFunction run_chunk = ChosenChunkFunction();
  at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    // Each thread keeps its scratch between calls: fresh pages would cost a fault each.
    thread_local std::vector<float> scratch;
    scratch.resize(std::max<size_t>(
        scratch.size(),
        static_cast<size_t>(36 * (kTilesPerChunk * (in_channels_ + out_channels_) +
                                  2 * kMatrixPadding))));
    for (int64_t chunk = begin; chunk < end; ++chunk) {
      Chunk c = base;
      c.first_tile = chunk * kTilesPerChunk;
      c.tiles = std::min(kTilesPerChunk, tiles - c.first_tile);
      c.transformed_input = scratch.data();
      c.input_stride = c.tiles * in_channels_ + kMatrixPadding;
      c.product_stride = c.tiles * out_channels_ + kMatrixPadding;
      c.products = scratch.data() + 36 * c.input_stride;
      run_chunk(c, lanes);
    }
  });
  return output;
}

#else  // !VMM_HAVE_ONEDNN

bool WinogradConvolution3x3::Available() { return false; }

const char* WinogradConvolution3x3::TransformVariant() { return ""; }

WinogradConvolution3x3::WinogradConvolution3x3(const torch::Tensor&, int64_t) {
  TORCH_CHECK(false, "this build has no oneDNN");
}

torch::Tensor WinogradConvolution3x3::Run(const torch::Tensor&, bool) const {
  TORCH_CHECK(false, "this build has no oneDNN");
}

#endif  // VMM_HAVE_ONEDNN

}  // namespace vmm::engine
