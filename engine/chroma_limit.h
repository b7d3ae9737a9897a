// Keeps the network from inventing colours: every output pixel's chroma is clamped into the range
// of chroma the input frame shows within `radius` pixels of it. Motion magnification moves
// colours; it should not make new ones, yet where a thin edge moves far the network can paint a
// hue the scene never has (yellow-green beside a moving edge on skin, colour on a grey line).
// Luma is left as the network made it.
//
// Chroma here is (B - Y, R - Y) with Y = 0.299 R + 0.587 G + 0.114 B (BT.601), per component:
// an output pixel's B - Y is clamped into [min, max] of the input's B - Y over a window around
// it, and likewise R - Y; then R, G, B are rebuilt from the network's Y and the clamped chroma.
// The window is the pixel's 4x4 block (blocks aligned to the frame's top-left corner) grown by
// `radius` rounded up to whole blocks (R = 4 ceil(radius / 4)): it holds every pixel within
// `radius` px along both axes, and none more than R + 3 px away along either.
#pragma once

#include <torch/types.h>

namespace vmm::engine {

// Window half-size the Magnifier uses: the magnified motions the network was trained for reach
// 30 px, so colours may lawfully arrive from that far.
inline constexpr int kChromaLimitRadius = 32;

// `output` and `input`: uint8 [N, H, W, 3] RGB on the CPU, the same shape (input n is the frame
// output n was made from). Returns `output` with its chroma limited as above, uint8 [N, H, W, 3].
torch::Tensor LimitChromaToNeighbourhood(const torch::Tensor& output, const torch::Tensor& input,
                                         int radius = kChromaLimitRadius);

}  // namespace vmm::engine
