// Synthetic image pools for the train tests: a flat or gently shaded background and a smooth
// Gaussian blob object, built in memory (no files).
#pragma once

#include <cmath>
#include <memory>

#include "train/data/image_pool.h"

namespace vmm::train::testing {

// A `size` x `size` RGB background; flat at `level` when `shaded` is false, otherwise a smooth
// colour gradient with some texture.
inline ByteImage MakeBackground(int size, int level, bool shaded) {
  ByteImage image{size, size, 3, std::vector<uint8_t>(size_t(size) * size * 3)};
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) {
        double v = level;
        if (shaded) v = 60 + 120.0 * x / size + 40 * std::sin(0.2 * y + c) * std::cos(0.13 * x);
        image.pixels[(size_t(y) * size + x) * 3 + c] = static_cast<uint8_t>(std::lround(v));
      }
    }
  }
  return image;
}

// A `size` x `size` white RGBA object whose alpha is a Gaussian of `sigma` pixels.
inline ByteImage MakeBlobObject(int size, double sigma) {
  ByteImage image{size, size, 4, std::vector<uint8_t>(size_t(size) * size * 4)};
  const double centre = 0.5 * size - 0.5;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const double r2 = (x - centre) * (x - centre) + (y - centre) * (y - centre);
      uint8_t* p = &image.pixels[(size_t(y) * size + x) * 4];
      p[0] = p[1] = p[2] = 255;
      p[3] = static_cast<uint8_t>(std::lround(255 * std::exp(-0.5 * r2 / (sigma * sigma))));
    }
  }
  return image;
}

// A pool of one flat background at `level` and one blob object.
inline std::shared_ptr<const ImagePool> MakeFlatPool(int level = 100) {
  std::vector<ByteImage> backgrounds{MakeBackground(512, level, false)};
  std::vector<ByteImage> objects{MakeBlobObject(64, 8)};
  return ImagePool::FromImages(std::move(backgrounds), std::move(objects));
}

// A pool with a textured background and a blob object, for random scenes.
inline std::shared_ptr<const ImagePool> MakeTexturedPool() {
  std::vector<ByteImage> backgrounds{MakeBackground(512, 0, true)};
  std::vector<ByteImage> objects{MakeBlobObject(64, 12)};
  return ImagePool::FromImages(std::move(backgrounds), std::move(objects));
}

}  // namespace vmm::train::testing
