// Float image buffers and the resampling primitives the synthetic-data renderer is built from:
// antialiased resizing of 8-bit sources, sub-pixel translation with a separable cubic
// (Catmull-Rom) reconstruction, "over" compositing of premultiplied layers, Gaussian blur, and
// Gaussian-prefiltered downsampling. Plain C++ without LibTorch so the renderer compiles fast and
// runs without touching LibTorch's thread pool.
//
// Thread-safety: free functions on values; safe to call concurrently on different buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vmm::train {

// A planar float image: `channels` planes of height x width, row-major, values in [0, 255]
// (premultiplied by alpha when the last plane is alpha).
struct PlanarImage {
  int width = 0, height = 0, channels = 0;
  std::vector<float> data;  // channels * height * width

  PlanarImage() = default;
  PlanarImage(int w, int h, int c) : width(w), height(h), channels(c), data(size_t(w) * h * c) {}
  float* plane(int c) { return data.data() + size_t(c) * width * height; }
  const float* plane(int c) const { return data.data() + size_t(c) * width * height; }
  float& at(int c, int y, int x) { return data[(size_t(c) * height + y) * width + x]; }
  float at(int c, int y, int x) const { return data[(size_t(c) * height + y) * width + x]; }
};

// An 8-bit interleaved image (RGB, or RGBA with premultiplied colour), as kept in the pool.
struct ByteImage {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // height * width * channels, interleaved
};

// Halves `image` with a 2x2 box filter (odd last row/column dropped). REQUIRES: width, height >= 2.
ByteImage HalveImage(const ByteImage& image);

// Resamples the source rectangle with top-left (`src_x`, `src_y`) and `src_per_out` source
// pixels per output pixel into a `out_width` x `out_height` planar image, with a triangle filter
// widened to the scale when shrinking (antialiased) and edge clamping outside the source.
PlanarImage ResampleRegion(const ByteImage& source, double src_x, double src_y,
                           double src_per_out, int out_width, int out_height);

// Translates `image` by (`shift_x`, `shift_y`) pixels (content moves towards +x, +y) with a
// separable Catmull-Rom cubic, and returns the window of the translated image whose top-left
// is (`window_x`, `window_y`) in the image's own coordinates, of size `width` x `height`.
// Outside the source counts as zero.
PlanarImage ShiftWindow(const PlanarImage& image, double shift_x, double shift_y, int window_x,
                        int window_y, int width, int height);

// Composites `layer` (premultiplied colour planes then an alpha plane in [0, 255]) over the
// colour planes of `canvas`, with the layer's top-left at (`x`, `y`) on the canvas; clipped.
void CompositeOver(PlanarImage& canvas, const PlanarImage& layer, int x, int y);

// Blurs every plane in place with a Gaussian of standard deviation `sigma` pixels (edges
// clamped). Does nothing for sigma <= 0.
void GaussianBlur(PlanarImage& image, double sigma);

// Downsamples by the integer `factor` after a Gaussian prefilter of `sigma_out` output pixels.
// `border` input pixels around the image are context only: output pixel (i, j) is centred on
// input (border + factor*i + (factor-1)/2, same for j). Output size: (width-2*border)/factor.
PlanarImage GaussianDownsample(const PlanarImage& image, int factor, double sigma_out, int border);

// Input pixels GaussianDownsample reads beyond the image it keeps, for `factor` and `sigma_out`.
int DownsampleBorder(int factor, double sigma_out);

}  // namespace vmm::train
