#include "train/data/renderer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include "train/data/masks.h"
#include "train/data/scene_sampler.h"

namespace vmm::train {
namespace {

// Pyramid level to shrink from: the smallest level still at least as sharp as the output
// (so the remaining shrink factor is in [1, 2)), or level 0 when enlarging.
int ChooseLevel(const ImagePyramid& pyramid, double source_per_out) {
  int level = 0;
  while (level + 1 < static_cast<int>(pyramid.levels.size()) && source_per_out / 2 >= 1.0) {
    source_per_out /= 2;
    ++level;
  }
  return level;
}

// Quarter turns (clockwise) and left-right mirror of a square image.
PlanarImage TurnSquare(const PlanarImage& image, int quarter_turns, bool mirror) {
  if (quarter_turns % 4 == 0 && !mirror) return image;
  const int n = image.width;
  PlanarImage out(n, n, image.channels);
  for (int c = 0; c < image.channels; ++c) {
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        int sx = mirror ? n - 1 - x : x, sy = y;
        for (int t = 0; t < quarter_turns % 4; ++t) {
          const int ox = sx;
          sx = sy;
          sy = n - 1 - ox;
        }
        out.at(c, y, x) = image.at(c, sy, sx);
      }
    }
  }
  return out;
}

void MirrorInPlace(PlanarImage& image) {
  for (int c = 0; c < image.channels; ++c) {
    for (int y = 0; y < image.height; ++y) {
      float* row = &image.at(c, y, 0);
      std::reverse(row, row + image.width);
    }
  }
}

// Makes plane c of a 3-channel image the old plane order[c].
void ReorderChannels(const std::array<int, 3>& order, PlanarImage& image) {
  if (order == std::array<int, 3>{0, 1, 2}) return;
  const PlanarImage original = image;
  for (int c = 0; c < 3; ++c) {
    std::copy_n(original.plane(order[c]), size_t(image.width) * image.height, image.plane(c));
  }
}

// Rounds to 8 bits (randomly up with probability equal to the residual when dithering) and maps
// 0..255 to [-1, 1].
void QuantiseToSigned(PlanarImage& image, bool dither, std::mt19937_64& rng) {
  constexpr double kUnit = 1.0 / 9007199254740992.0;  // 2^-53
  for (float& v : image.data) {
    const float clamped = std::clamp(v, 0.0f, 255.0f);
    const float offset = dither ? static_cast<float>((rng() >> 11) * kUnit) : 0.5f;
    const float q = std::min(255.0f, std::floor(clamped + offset));
    v = q / 127.5f - 1.0f;
  }
}

// The release's noise: x + level * N(0, 1) * sqrt(x + 1) / sqrt(127.5), clamped to [-1, 1].
void AddSignalDependentNoise(PlanarImage& image, double level, std::mt19937_64& rng) {
  if (level <= 0) return;
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const float scale = static_cast<float>(level / std::sqrt(127.5));
  for (float& v : image.data) {
    const float noisy = v + scale * normal(rng) * std::sqrt(std::max(0.0f, v + 1.0f));
    v = std::clamp(noisy, -1.0f, 1.0f);
  }
}

}  // namespace

void ApplyColourTransform(const ColourTransform& transform, PlanarImage& image,
                          bool premultiplied) {
  const int colour_planes = std::min(3, premultiplied ? image.channels - 1 : image.channels);
  const size_t count = size_t(image.width) * image.height;
  const float* alpha = premultiplied ? image.plane(image.channels - 1) : nullptr;
  for (int c = 0; c < colour_planes; ++c) {
    // Piecewise-linear lookup table over 0..255 (one entry per integer level).
    std::array<float, 257> table;
    for (int i = 0; i <= 256; ++i) {
      const double x = std::min(i, 255) / 255.0;
      const double y = 255.0 * transform.gain[c] * std::pow(x, transform.gamma[c]) + transform.offset[c];
      table[i] = static_cast<float>(std::clamp(y, 0.0, 255.0));
    }
    float* plane = image.plane(c);
    for (size_t i = 0; i < count; ++i) {
      float a = 1.0f;
      if (alpha != nullptr) {
        a = alpha[i] / 255.0f;
        if (a <= 1e-4f) continue;
      }
      const float x = std::clamp(plane[i] / a, 0.0f, 255.0f);
      const int k = static_cast<int>(x);
      const float f = x - k;
      plane[i] = a * (table[k] + f * (table[k + 1] - table[k]));
    }
  }
}

SceneRenderer::SceneRenderer(std::shared_ptr<const ImagePool> pool, RenderOptions options)
    : pool_(std::move(pool)), options_(options) {}

SceneRenderer::Layer SceneRenderer::RenderBackground(const SceneSpec& scene,
                                                     int canvas_size) const {
  const BackgroundSpec& bg = scene.background;
  const int factor = options_.supersampling;
  const ImagePyramid& pyramid = pool_->backgrounds()[bg.source];
  const double travel = std::max(1.0, scene.alpha) * std::hypot(bg.motion.dx, bg.motion.dy);
  const int margin = static_cast<int>(std::ceil(travel * factor)) + 3;
  const int region = canvas_size + 2 * margin;
  const double source_per_out = bg.source_px_per_output_px / factor;
  const int level = ChooseLevel(pyramid, source_per_out);
  const double level_scale = std::ldexp(1.0, -level);
  const ByteImage& picture = pyramid.levels[level];
  const double scale = source_per_out * level_scale;
  const double centre_x = bg.center_u * pyramid.levels[0].width * level_scale;
  const double centre_y = bg.center_v * pyramid.levels[0].height * level_scale;
  Layer layer;
  layer.image = ResampleRegion(picture, centre_x - 0.5 * region * scale,
                               centre_y - 0.5 * region * scale, scale, region, region);
  layer.image = TurnSquare(layer.image, bg.quarter_turns, bg.mirror);
  ApplyColourTransform(bg.jitter, layer.image, false);
  GaussianBlur(layer.image, bg.blur_sigma * factor);
  layer.x = layer.y = -margin;
  layer.motion = bg.motion;
  return layer;
}

SceneRenderer::Layer SceneRenderer::RenderObject(const ObjectSpec& object, int border) const {
  const int factor = options_.supersampling;
  const double size = object.size * factor;
  Layer layer;
  if (object.kind == ObjectKind::kStamp) {
    const ImagePyramid& pyramid = pool_->objects()[object.source];
    const ByteImage& full = pyramid.levels[0];
    const double source_per_out = std::max(full.width, full.height) / size;
    const int width = std::max(1, static_cast<int>(std::lround(full.width / source_per_out)));
    const int height = std::max(1, static_cast<int>(std::lround(full.height / source_per_out)));
    const int level = ChooseLevel(pyramid, source_per_out);
    const double level_scale = std::ldexp(1.0, -level);
    layer.image = ResampleRegion(pyramid.levels[level], 0, 0, source_per_out * level_scale,
                                 width, height);
    if (object.mirror) MirrorInPlace(layer.image);
    ApplyColourTransform(object.jitter, layer.image, true);
  } else {
    const ImagePyramid& pyramid = pool_->backgrounds()[object.source];
    const ByteImage& full = pyramid.levels[0];
    const int n = std::max(4, static_cast<int>(std::lround(size)));
    // The patch spans a quarter of the picture's shorter side.
    const double source_per_out = 0.25 * std::min(full.width, full.height) / n;
    const int level = ChooseLevel(pyramid, source_per_out);
    const double level_scale = std::ldexp(1.0, -level);
    const double scale = source_per_out * level_scale;
    const double cx = object.source_u * full.width * level_scale;
    const double cy = object.source_v * full.height * level_scale;
    PlanarImage rgb = ResampleRegion(pyramid.levels[level], cx - 0.5 * n * scale,
                                     cy - 0.5 * n * scale, scale, n, n);
    if (object.mirror) MirrorInPlace(rgb);
    ApplyColourTransform(object.jitter, rgb, false);
    const std::vector<float> mask =
        object.kind == ObjectKind::kPhotoStroke
            ? RenderStrokeMask(n, object.stroke_width * factor, object.mask_seed)
            : RenderRandomMask(
                  object.kind == ObjectKind::kPhotoBlob ? MaskShape::kBlob : MaskShape::kPolygon,
                  n, object.mask_seed);
    layer.image = PlanarImage(n, n, 4);
    for (int c = 0; c < 3; ++c) {
      for (size_t i = 0; i < mask.size(); ++i) layer.image.plane(c)[i] = rgb.plane(c)[i] * mask[i];
    }
    for (size_t i = 0; i < mask.size(); ++i) layer.image.plane(3)[i] = 255.0f * mask[i];
  }
  const double half = 0.5 * (factor - 1);
  layer.x = static_cast<int>(std::lround(border + factor * object.center_x + half -
                                         0.5 * layer.image.width));
  layer.y = static_cast<int>(std::lround(border + factor * object.center_y + half -
                                         0.5 * layer.image.height));
  layer.motion = object.motion;
  return layer;
}

PlanarImage SceneRenderer::RenderFrame(const Layer& background, const std::vector<Layer>& objects,
                                       double time, int canvas_size, int border) const {
  const int factor = options_.supersampling;
  PlanarImage canvas = ShiftWindow(background.image, time * background.motion.dx * factor,
                                   time * background.motion.dy * factor, -background.x,
                                   -background.y, canvas_size, canvas_size);
  for (const Layer& object : objects) {
    const double tx = time * object.motion.dx * factor, ty = time * object.motion.dy * factor;
    const int wx = static_cast<int>(std::floor(tx)) - 2, wy = static_cast<int>(std::floor(ty)) - 2;
    const int w = object.image.width + 5, h = object.image.height + 5;
    const int x = object.x + wx, y = object.y + wy;
    if (x >= canvas_size || y >= canvas_size || x + w <= 0 || y + h <= 0) continue;
    CompositeOver(canvas, ShiftWindow(object.image, tx, ty, wx, wy, w, h), x, y);
  }
  return GaussianDownsample(canvas, factor, options_.antialias_sigma, border);
}

Sample SceneRenderer::Render(const SceneSpec& scene) const {
  const int factor = options_.supersampling;
  const int border = DownsampleBorder(factor, options_.antialias_sigma);
  const int canvas_size = factor * options_.crop_size + 2 * border;
  const Layer background = RenderBackground(scene, canvas_size);
  std::vector<Layer> objects;
  objects.reserve(scene.objects.size());
  for (const ObjectSpec& object : scene.objects) objects.push_back(RenderObject(object, border));

  Sample sample;
  sample.alpha = static_cast<float>(scene.alpha);
  sample.scene = scene;
  sample.frame_a = RenderFrame(background, objects, 0.0, canvas_size, border);
  sample.frame_c = RenderFrame(background, objects, 1.0, canvas_size, border);
  sample.target = RenderFrame(background, objects, scene.alpha, canvas_size, border);
  sample.frame_b = sample.frame_c;
  ApplyColourTransform(scene.perturbation, sample.frame_b, false);
  ApplyColourTransform(scene.perturbation, sample.target, false);
  for (PlanarImage* frame : {&sample.frame_a, &sample.frame_b, &sample.frame_c, &sample.target}) {
    ReorderChannels(scene.channel_order, *frame);
  }

  std::mt19937_64 rng(MixSeed(scene.noise_seed, 0));
  QuantiseToSigned(sample.frame_a, scene.dither, rng);
  QuantiseToSigned(sample.frame_b, scene.dither, rng);
  QuantiseToSigned(sample.frame_c, scene.dither, rng);
  QuantiseToSigned(sample.target, scene.dither, rng);
  if (scene.anchor_noise_level > 0) {
    std::mt19937_64 anchor_rng(MixSeed(scene.noise_seed, 1));
    sample.anchor_a = sample.frame_a;
    sample.anchor_b = sample.frame_b;
    AddSignalDependentNoise(sample.anchor_a, scene.anchor_noise_level, anchor_rng);
    AddSignalDependentNoise(sample.anchor_b, scene.anchor_noise_level, anchor_rng);
  }
  AddSignalDependentNoise(sample.frame_a, scene.noise_level, rng);
  AddSignalDependentNoise(sample.frame_b, scene.noise_level, rng);
  return sample;
}

}  // namespace vmm::train
