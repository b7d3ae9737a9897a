#include "engine/blocked_layout.h"

#include <torch/torch.h>

#include "engine/kernel_choice.h"

namespace vmm::engine {

namespace {

// The [N, C/L, H, W, L] interior of a tensor with a ring of `ring`.
torch::Tensor Interior(const torch::Tensor& padded, int64_t ring) {
  return padded.narrow(2, ring, padded.size(2) - 2 * ring)
      .narrow(3, ring, padded.size(3) - 2 * ring);
}

// Copies the mirrored border of `padded` along `dim` (interior of length `size` already filled).
void MirrorAlong(const torch::Tensor& padded, int64_t dim, int64_t ring, int64_t size) {
  for (int64_t i = 1; i <= ring; ++i) {
    padded.select(dim, ring - i).copy_(padded.select(dim, ring + i));
    padded.select(dim, ring + size - 1 + i).copy_(padded.select(dim, ring + size - 1 - i));
  }
}

}  // namespace

torch::Tensor ToBlocked(const torch::Tensor& input, int64_t ring) {
  const int64_t block = ChannelBlock();
  TORCH_CHECK(input.dim() == 4 && input.size(1) % block == 0,
              "blocked layout needs [N, C, H, W] with C a multiple of ", block, ", got ",
              input.sizes());
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  TORCH_CHECK(ring < h && ring < w, "a ring of ", ring, " needs a frame larger than ", h, "x", w);
  torch::Tensor blocked =
      torch::empty({n, c / block, h + 2 * ring, w + 2 * ring, block}, input.options());
  // [N, C, H, W] seen as [N, C/L, L, H, W], lanes moved last: one strided copy.
  Interior(blocked, ring)
      .copy_(input.view({n, c / block, block, h, w}).permute({0, 1, 3, 4, 2}));
  FillReflectionRing(blocked, ring);
  return blocked;
}

torch::Tensor FromBlocked(const torch::Tensor& blocked, int64_t ring) {
  const int64_t block = ChannelBlock();
  TORCH_CHECK(blocked.dim() == 5 && blocked.size(4) == block,
              "not a blocked tensor: ", blocked.sizes());
  const torch::Tensor interior = Interior(blocked, ring);
  const int64_t n = interior.size(0), c = interior.size(1) * block,
                h = interior.size(2), w = interior.size(3);
  torch::Tensor output = torch::empty(
      {n, c, h, w}, blocked.options().memory_format(torch::MemoryFormat::ChannelsLast));
  // Channels-last memory is [N, H, W, C]: write it as [N, H, W, C/L, L].
  output.permute({0, 2, 3, 1})
      .view({n, h, w, c / block, block})
      .copy_(interior.permute({0, 2, 3, 1, 4}));
  return output;
}

void FillReflectionRing(const torch::Tensor& padded, int64_t ring) {
  if (ring == 0) return;
  const int64_t h = padded.size(2) - 2 * ring, w = padded.size(3) - 2 * ring;
  MirrorAlong(padded.narrow(3, ring, w), 2, ring, h);  // rows, interior columns
  MirrorAlong(padded, 3, ring, w);                     // columns, full height
}

torch::Tensor UpsampleNearest2xBlocked(const torch::Tensor& padded, int64_t ring) {
  const torch::Tensor interior = Interior(padded, ring);
  const int64_t n = interior.size(0), blocks = interior.size(1), h = interior.size(2),
                w = interior.size(3), lanes = interior.size(4);
  torch::Tensor output =
      torch::empty({n, blocks, 2 * h + 2 * ring, 2 * w + 2 * ring, lanes}, padded.options());
  // Each source pixel fills a 2x2 square: view the output's interior as [N, B, H, 2, W, 2, L].
  Interior(output, ring)
      .view({n, blocks, h, 2, w, 2, lanes})
      .copy_(interior.view({n, blocks, h, 1, w, 1, lanes}).expand({n, blocks, h, 2, w, 2, lanes}));
  FillReflectionRing(output, ring);
  return output;
}

}  // namespace vmm::engine
