// The chroma limit keeps colours the input has near each pixel and removes the others, leaving
// luma as it was.
#include "engine/chroma_limit.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace vmm::engine {
namespace {

// A [1, H, W, 3] uint8 frame filled with `rgb`.
torch::Tensor Flat(int64_t height, int64_t width, std::array<int, 3> rgb) {
  return torch::tensor({rgb[0], rgb[1], rgb[2]}, torch::kInt32)
      .view({1, 1, 1, 3})
      .expand({1, height, width, 3})
      .to(torch::kUInt8)
      .contiguous();
}

std::array<int, 3> Pixel(const torch::Tensor& frames, int64_t y, int64_t x) {
  const torch::Tensor p = frames[0][y][x].to(torch::kInt32);
  return {p[0].item<int>(), p[1].item<int>(), p[2].item<int>()};
}

double Luma(const std::array<int, 3>& p) { return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]; }

TEST(ChromaLimitTest, ColourAbsentFromTheInputBecomesGreyOfTheSameLuma) {
  const torch::Tensor input = Flat(16, 20, {120, 120, 120});
  torch::Tensor output = Flat(16, 20, {120, 120, 120});
  output[0][5][7] = torch::tensor({200, 150, 60}, torch::kUInt8);  // a yellow spot
  const torch::Tensor limited = LimitChromaToNeighbourhood(output, input, 4);
  const std::array<int, 3> spot = Pixel(limited, 5, 7);
  EXPECT_LE(std::abs(spot[0] - spot[1]), 1);
  EXPECT_LE(std::abs(spot[2] - spot[1]), 1);
  EXPECT_NEAR(Luma(spot), Luma({200, 150, 60}), 1.0);
  EXPECT_EQ(Pixel(limited, 0, 0), (std::array<int, 3>{120, 120, 120}));
}

TEST(ChromaLimitTest, ColourTheInputHasWithinTheRadiusIsKept) {
  // A red bar at columns 2-4 of the input; the output moved it to columns 8-10.
  torch::Tensor input = Flat(12, 40, {100, 100, 100});
  torch::Tensor output = Flat(12, 40, {100, 100, 100});
  input.narrow(2, 2, 3).copy_(Flat(12, 3, {200, 40, 40}));
  output.narrow(2, 8, 3).copy_(Flat(12, 3, {200, 40, 40}));
  output.narrow(2, 30, 3).copy_(Flat(12, 3, {200, 40, 40}));  // and a copy far away
  const torch::Tensor limited = LimitChromaToNeighbourhood(output, input, 8);
  // Columns 8-10 lie within 8 px of the input's red: kept exactly.
  EXPECT_EQ(Pixel(limited, 6, 9), (std::array<int, 3>{200, 40, 40}));
  // Column 31 is 27 px from it: its red is gone, its luma stays.
  const std::array<int, 3> far = Pixel(limited, 6, 31);
  EXPECT_LE(std::abs(far[0] - far[1]), 1);
  EXPECT_NEAR(Luma(far), Luma({200, 40, 40}), 1.0);
}

TEST(ChromaLimitTest, TheInputItselfIsUnchanged) {
  torch::manual_seed(9);
  const torch::Tensor frames = torch::randint(0, 256, {2, 9, 7, 3}, torch::kUInt8);
  const torch::Tensor limited = LimitChromaToNeighbourhood(frames, frames);
  ASSERT_EQ(limited.sizes(), frames.sizes());
  EXPECT_LE((limited.to(torch::kInt32) - frames.to(torch::kInt32)).abs().max().item<int>(), 1);
}

}  // namespace
}  // namespace vmm::engine
