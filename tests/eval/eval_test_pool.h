// Synthetic image pools for the evaluation tests: textured backgrounds and a soft round object,
// made in memory so the tests need no data-cache.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "train/data/image_pool.h"

namespace vmm::train::eval::testing {

// A `size` x `size` RGB picture with smooth stripes and blotches that differ with `variant`.
inline ByteImage MakeTexturedBackground(int size, int variant) {
  ByteImage image{size, size, 3, std::vector<uint8_t>(size_t(size) * size * 3)};
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) {
        const double v = 128 + 60 * std::sin(0.11 * x + 0.07 * y * (variant + 1) + c) +
                         40 * std::cos(0.05 * x * (c + 1) - 0.09 * y + variant);
        image.pixels[(size_t(y) * size + x) * 3 + c] =
            static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
      }
    }
  }
  return image;
}

// A `size` x `size` RGBA disc with a soft edge and a colour gradient.
inline ByteImage MakeDiscObject(int size) {
  ByteImage image{size, size, 4, std::vector<uint8_t>(size_t(size) * size * 4)};
  const double centre = 0.5 * size - 0.5, radius = 0.4 * size;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const double r = std::hypot(x - centre, y - centre);
      uint8_t* p = &image.pixels[(size_t(y) * size + x) * 4];
      p[0] = static_cast<uint8_t>(40 + 200 * x / size);
      p[1] = static_cast<uint8_t>(220 - 150 * y / size);
      p[2] = 90;
      p[3] = static_cast<uint8_t>(std::lround(255 * std::clamp(radius - r + 0.5, 0.0, 1.0)));
    }
  }
  return image;
}

// Two textured backgrounds and one disc object.
inline std::shared_ptr<const ImagePool> MakeTestPool() {
  std::vector<ByteImage> backgrounds{MakeTexturedBackground(256, 0),
                                     MakeTexturedBackground(256, 1)};
  std::vector<ByteImage> objects{MakeDiscObject(48)};
  return ImagePool::FromImages(std::move(backgrounds), std::move(objects));
}

}  // namespace vmm::train::eval::testing
