#include "train/data/raster.h"

#include <algorithm>
#include <cmath>

namespace vmm::train {
namespace {

// Taps of a 1-D resampling filter for one output sample.
struct Taps {
  int first = 0;               // first source index (already clamped per tap below)
  std::vector<int> index;      // clamped source indices
  std::vector<float> weight;   // normalised weights
};

std::vector<Taps> TriangleTaps(double start, double scale, int out_size, int src_size) {
  const double radius = std::max(1.0, scale);
  std::vector<Taps> all(out_size);
  for (int o = 0; o < out_size; ++o) {
    const double centre = start + (o + 0.5) * scale - 0.5;
    const int lo = static_cast<int>(std::ceil(centre - radius));
    const int hi = static_cast<int>(std::floor(centre + radius));
    double total = 0;
    Taps& taps = all[o];
    for (int i = lo; i <= hi; ++i) {
      const double w = 1.0 - std::abs(i - centre) / radius;
      if (w <= 0) continue;
      taps.index.push_back(std::clamp(i, 0, src_size - 1));
      taps.weight.push_back(static_cast<float>(w));
      total += w;
    }
    if (taps.index.empty()) {
      taps.index.push_back(std::clamp(static_cast<int>(std::lround(centre)), 0, src_size - 1));
      taps.weight.push_back(1.0f);
      total = 1.0;
    }
    for (float& w : taps.weight) w = static_cast<float>(w / total);
  }
  return all;
}

// Catmull-Rom kernel (Keys, a = -0.5).
double Cubic(double x) {
  x = std::abs(x);
  if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

std::vector<float> GaussianKernel(double sigma, double centre_offset, int radius) {
  std::vector<float> kernel(2 * radius + 2);
  double total = 0;
  for (int k = 0; k < static_cast<int>(kernel.size()); ++k) {
    const double x = (k - radius) - centre_offset;
    const double w = std::exp(-0.5 * x * x / (sigma * sigma));
    kernel[k] = static_cast<float>(w);
    total += w;
  }
  for (float& w : kernel) w = static_cast<float>(w / total);
  return kernel;
}

}  // namespace

ByteImage HalveImage(const ByteImage& image) {
  ByteImage half;
  half.width = image.width / 2;
  half.height = image.height / 2;
  half.channels = image.channels;
  half.pixels.resize(size_t(half.width) * half.height * half.channels);
  const int c_count = image.channels;
  const size_t stride = size_t(image.width) * c_count;
  for (int y = 0; y < half.height; ++y) {
    const uint8_t* row0 = image.pixels.data() + 2 * y * stride;
    const uint8_t* row1 = row0 + stride;
    uint8_t* out = half.pixels.data() + size_t(y) * half.width * c_count;
    for (int x = 0; x < half.width; ++x) {
      for (int c = 0; c < c_count; ++c) {
        const int i = 2 * x * c_count + c;
        const int sum = row0[i] + row0[i + c_count] + row1[i] + row1[i + c_count];
        out[x * c_count + c] = static_cast<uint8_t>((sum + 2) / 4);
      }
    }
  }
  return half;
}

PlanarImage ResampleRegion(const ByteImage& source, double src_x, double src_y,
                           double src_per_out, int out_width, int out_height) {
  const std::vector<Taps> cols = TriangleTaps(src_x, src_per_out, out_width, source.width);
  const std::vector<Taps> rows = TriangleTaps(src_y, src_per_out, out_height, source.height);
  int row_min = source.height, row_max = -1;
  for (const Taps& t : rows) {
    row_min = std::min(row_min, *std::min_element(t.index.begin(), t.index.end()));
    row_max = std::max(row_max, *std::max_element(t.index.begin(), t.index.end()));
  }
  const int c_count = source.channels;
  const int band = row_max - row_min + 1;
  // Horizontal pass over the rows the vertical pass needs: [band][c][out_width].
  std::vector<float> horizontal(size_t(band) * c_count * out_width);
  for (int r = 0; r < band; ++r) {
    const uint8_t* src_row = source.pixels.data() + size_t(row_min + r) * source.width * c_count;
    for (int x = 0; x < out_width; ++x) {
      const Taps& t = cols[x];
      for (int c = 0; c < c_count; ++c) {
        float sum = 0;
        for (size_t k = 0; k < t.index.size(); ++k) sum += t.weight[k] * src_row[t.index[k] * c_count + c];
        horizontal[(size_t(r) * c_count + c) * out_width + x] = sum;
      }
    }
  }
  PlanarImage out(out_width, out_height, c_count);
  for (int y = 0; y < out_height; ++y) {
    const Taps& t = rows[y];
    for (int c = 0; c < c_count; ++c) {
      float* dst = &out.at(c, y, 0);
      std::fill(dst, dst + out_width, 0.0f);
      for (size_t k = 0; k < t.index.size(); ++k) {
        const float w = t.weight[k];
        const float* src = &horizontal[(size_t(t.index[k] - row_min) * c_count + c) * out_width];
        for (int x = 0; x < out_width; ++x) dst[x] += w * src[x];
      }
    }
  }
  return out;
}

PlanarImage ShiftWindow(const PlanarImage& image, double shift_x, double shift_y, int window_x,
                        int window_y, int width, int height) {
  // out(x) = in(x - t): with t = ti + f, out(x) = sum_j c_j in(x - ti + j), j = -2..1.
  const double fx = shift_x - std::floor(shift_x), fy = shift_y - std::floor(shift_y);
  const int ix = static_cast<int>(std::floor(shift_x)), iy = static_cast<int>(std::floor(shift_y));
  const float cx[4] = {float(Cubic(2 - fx)), float(Cubic(1 - fx)), float(Cubic(fx)),
                       float(Cubic(1 + fx))};
  const float cy[4] = {float(Cubic(2 - fy)), float(Cubic(1 - fy)), float(Cubic(fy)),
                       float(Cubic(1 + fy))};
  const int c_count = image.channels;
  // Source rows needed: window_y + y - iy + j for y in [0, height), j in [-2, 1].
  const int src_row0 = window_y - iy - 2;
  const int band = height + 3;
  std::vector<float> horizontal(size_t(band) * width, 0.0f);
  PlanarImage out(width, height, c_count);
  for (int c = 0; c < c_count; ++c) {
    const float* plane = image.plane(c);
    for (int r = 0; r < band; ++r) {
      float* dst = &horizontal[size_t(r) * width];
      const int sy = src_row0 + r;
      if (sy < 0 || sy >= image.height) {
        std::fill(dst, dst + width, 0.0f);
        continue;
      }
      const float* src = plane + size_t(sy) * image.width;
      for (int x = 0; x < width; ++x) {
        const int base = window_x + x - ix - 2;
        float sum = 0;
        if (base >= 0 && base + 3 < image.width) {
          sum = cx[0] * src[base] + cx[1] * src[base + 1] + cx[2] * src[base + 2] +
                cx[3] * src[base + 3];
        } else {
          for (int j = 0; j < 4; ++j) {
            const int sx = base + j;
            if (sx >= 0 && sx < image.width) sum += cx[j] * src[sx];
          }
        }
        dst[x] = sum;
      }
    }
    for (int y = 0; y < height; ++y) {
      float* dst = &out.at(c, y, 0);
      const float* r0 = &horizontal[size_t(y) * width];
      const float* r1 = r0 + width;
      const float* r2 = r1 + width;
      const float* r3 = r2 + width;
      for (int x = 0; x < width; ++x) {
        dst[x] = cy[0] * r0[x] + cy[1] * r1[x] + cy[2] * r2[x] + cy[3] * r3[x];
      }
    }
  }
  return out;
}

void CompositeOver(PlanarImage& canvas, const PlanarImage& layer, int x, int y) {
  const int colour_planes = layer.channels - 1;
  const int x0 = std::max(0, x), y0 = std::max(0, y);
  const int x1 = std::min(canvas.width, x + layer.width);
  const int y1 = std::min(canvas.height, y + layer.height);
  if (x0 >= x1 || y0 >= y1) return;
  const float* alpha = layer.plane(colour_planes);
  for (int c = 0; c < std::min(colour_planes, canvas.channels); ++c) {
    const float* colour = layer.plane(c);
    for (int cy = y0; cy < y1; ++cy) {
      float* dst = &canvas.at(c, cy, 0);
      const size_t row = size_t(cy - y) * layer.width;
      for (int cx = x0; cx < x1; ++cx) {
        const size_t i = row + (cx - x);
        const float a = std::clamp(alpha[i] * (1.0f / 255.0f), 0.0f, 1.0f);
        const float value = dst[cx] * (1.0f - a) + colour[i];
        dst[cx] = std::clamp(value, 0.0f, 255.0f);
      }
    }
  }
}

void GaussianBlur(PlanarImage& image, double sigma) {
  if (sigma <= 0) return;
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> kernel = GaussianKernel(sigma, 0.0, radius);
  kernel.pop_back();  // symmetric kernel: 2 * radius + 1 taps
  const int w = image.width, h = image.height;
  std::vector<float> tmp(size_t(w) * h);
  for (int c = 0; c < image.channels; ++c) {
    float* plane = image.plane(c);
    for (int y = 0; y < h; ++y) {
      const float* src = plane + size_t(y) * w;
      for (int x = 0; x < w; ++x) {
        float sum = 0;
        for (int k = -radius; k <= radius; ++k) sum += kernel[k + radius] * src[std::clamp(x + k, 0, w - 1)];
        tmp[size_t(y) * w + x] = sum;
      }
    }
    for (int y = 0; y < h; ++y) {
      float* dst = plane + size_t(y) * w;
      std::fill(dst, dst + w, 0.0f);
      for (int k = -radius; k <= radius; ++k) {
        const float* src = &tmp[size_t(std::clamp(y + k, 0, h - 1)) * w];
        const float weight = kernel[k + radius];
        for (int x = 0; x < w; ++x) dst[x] += weight * src[x];
      }
    }
  }
}

int DownsampleBorder(int factor, double sigma_out) {
  return static_cast<int>(std::ceil(3 * sigma_out * factor)) + 1;
}

PlanarImage GaussianDownsample(const PlanarImage& image, int factor, double sigma_out,
                               int border) {
  const double sigma = sigma_out * factor;
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  // Centre of output pixel i: border + factor*i + (factor-1)/2 = base + half, base integer.
  const int base_offset = border + (factor - 1) / 2;
  const double half = (factor - 1) % 2 == 0 ? 0.0 : 0.5;
  // Taps k = 0..2*radius+1 at input base + (k - radius); kernel centred at +half.
  const std::vector<float> kernel = GaussianKernel(sigma, half, radius);
  const int taps = static_cast<int>(kernel.size());
  const int out_w = (image.width - 2 * border) / factor;
  const int out_h = (image.height - 2 * border) / factor;
  PlanarImage out(out_w, out_h, image.channels);
  std::vector<float> tmp(size_t(image.height) * out_w);
  for (int c = 0; c < image.channels; ++c) {
    const float* plane = image.plane(c);
    for (int y = 0; y < image.height; ++y) {
      const float* src = plane + size_t(y) * image.width;
      for (int x = 0; x < out_w; ++x) {
        const int start = base_offset + factor * x - radius;
        float sum = 0;
        for (int k = 0; k < taps; ++k) sum += kernel[k] * src[std::clamp(start + k, 0, image.width - 1)];
        tmp[size_t(y) * out_w + x] = sum;
      }
    }
    for (int y = 0; y < out_h; ++y) {
      float* dst = &out.at(c, y, 0);
      std::fill(dst, dst + out_w, 0.0f);
      const int start = base_offset + factor * y - radius;
      for (int k = 0; k < taps; ++k) {
        const float* src = &tmp[size_t(std::clamp(start + k, 0, image.height - 1)) * out_w];
        for (int x = 0; x < out_w; ++x) dst[x] += kernel[k] * src[x];
      }
    }
  }
  return out;
}

}  // namespace vmm::train
