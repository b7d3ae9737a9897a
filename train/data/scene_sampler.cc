#include "train/data/scene_sampler.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace vmm::train {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Mixed with a scene's seed for the draw that decides whether it is a thin scene.
constexpr uint64_t kThinSceneStream = 0x74175ce2eULL;
// Mixed with a scene's seed for its anchor noise level.
constexpr uint64_t kAnchorNoiseStream = 0xa9c40415eULL;

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  double Uniform(double lo, double hi) { return lo + (hi - lo) * unit_(engine_); }
  double LogUniform(double lo, double hi) { return std::exp(Uniform(std::log(lo), std::log(hi))); }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  bool Chance(double p) { return unit_(engine_) < p; }
  uint64_t Bits() { return engine_(); }

 private:
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
};

ColourTransform RandomJitter(Random& random, double gain_spread, double offset_spread,
                             double gamma_spread) {
  ColourTransform t;
  const double common_gain = random.Uniform(1 - gain_spread, 1 + gain_spread);
  for (int c = 0; c < 3; ++c) {
    t.gain[c] = common_gain * random.Uniform(1 - gain_spread / 2, 1 + gain_spread / 2);
    t.offset[c] = random.Uniform(-offset_spread, offset_spread);
    t.gamma[c] = std::exp(random.Uniform(-gamma_spread, gamma_spread));
  }
  return t;
}

// A random motion of the given largest magnitude: direction uniform, size 20-100% of it.
Motion RandomMotion(Random& random, double magnitude) {
  const double angle = random.Uniform(0, 2 * kPi);
  const double size = magnitude * random.Uniform(0.2, 1.0);
  return Motion{size * std::cos(angle), size * std::sin(angle)};
}

// A background index: one of the pool's textures with probability `texture_share` (when it has
// any), otherwise one of its photographs. With a share of 0 it draws from `random` exactly as
// before textures existed, so earlier runs' scenes stay the same.
int PickBackground(Random& random, const ImagePool& pool, double texture_share) {
  const int photographs = static_cast<int>(pool.photographs());
  const int textures = static_cast<int>(pool.backgrounds().size()) - photographs;
  if (textures > 0 && texture_share > 0 && random.Chance(texture_share)) {
    return photographs + random.Int(0, textures - 1);
  }
  return random.Int(0, photographs - 1);
}

}  // namespace

uint64_t MixSeed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

SceneSampler::SceneSampler(std::shared_ptr<const ImagePool> pool, SamplerOptions options)
    : pool_(std::move(pool)), options_(options) {}

SceneSpec SceneSampler::Draw(uint64_t seed) const {
  Random random(seed);
  const SamplerOptions& o = options_;
  const double crop = o.crop_size;
  SceneSpec scene;
  scene.part = static_cast<ScenePart>(random.Int(0, kScenePartCount - 1));
  // From a stream of its own, so that the other scenes draw exactly as without thin scenes.
  const bool thin_scene =
      o.thin_scene_share > 0 && Random(MixSeed(seed, kThinSceneStream)).Chance(o.thin_scene_share);
  if (thin_scene && scene.part == ScenePart::kBackgroundOnly) {
    scene.part = ScenePart::kStaticBackground;  // a thin scene needs its strokes
  }

  // Input motion and alpha, drawn jointly: alpha * magnitude <= max_magnified_motion.
  const double magnitude = random.LogUniform(o.min_input_motion, o.max_input_motion);
  const double alpha_limit = std::max(1.0, std::min(o.max_alpha, o.max_magnified_motion / magnitude));
  scene.alpha = random.Uniform(1.0, alpha_limit);
  const bool static_scene = scene.part == ScenePart::kStatic;
  const bool background_moves = !static_scene && scene.part != ScenePart::kStaticBackground;
  const bool objects_move = !static_scene;

  // Background: a square crop at a random zoom that fits the picture with room for motion.
  BackgroundSpec& bg = scene.background;
  bg.source = PickBackground(random, *pool_, o.texture_share);
  const ByteImage& picture = pool_->backgrounds()[bg.source].levels[0];
  const double room = crop + 2 * (o.max_magnified_motion + 8);
  const double fit = std::min(picture.width, picture.height) / room;
  bg.source_px_per_output_px = fit <= 0.5 ? fit : random.LogUniform(0.5, std::min(4.0, fit));
  const double half_u = 0.5 * room * bg.source_px_per_output_px / picture.width;
  const double half_v = 0.5 * room * bg.source_px_per_output_px / picture.height;
  bg.center_u = random.Uniform(std::min(0.5, half_u), std::max(0.5, 1 - half_u));
  bg.center_v = random.Uniform(std::min(0.5, half_v), std::max(0.5, 1 - half_v));
  bg.quarter_turns = random.Int(0, 3);
  bg.mirror = random.Chance(0.5);
  bg.jitter = RandomJitter(random, 0.15, 10, 0.15);
  if (scene.part == ScenePart::kBlurredBackground) bg.blur_sigma = random.Uniform(1.0, 5.0);
  if (thin_scene) bg.blur_sigma = random.Uniform(2.0, 8.0);
  if (background_moves) bg.motion = RandomMotion(random, magnitude);

  // Objects.
  if (scene.part != ScenePart::kBackgroundOnly) {
    const int count = thin_scene ? random.Int(2, std::max(2, o.min_objects))
                                 : random.Int(o.min_objects, o.max_objects);
    for (int i = 0; i < count; ++i) {
      ObjectSpec object;
      const bool stamp =
          !thin_scene && !pool_->objects().empty() && random.Chance(o.stamp_fraction);
      // Strokes draw from the generator only when enabled, so scenes without them stay the same.
      const bool stroke = thin_scene || (!stamp && o.stroke_fraction > 0 &&
                                         random.Chance(o.stroke_fraction));
      object.kind = stamp    ? ObjectKind::kStamp
                    : stroke ? ObjectKind::kPhotoStroke
                             : (random.Chance(0.5) ? ObjectKind::kPhotoBlob
                                                   : ObjectKind::kPhotoPolygon);
      double size = crop * random.Uniform(o.min_object_size, o.max_object_size);
      if (stamp) {
        object.source = random.Int(0, static_cast<int>(pool_->objects().size()) - 1);
        const ByteImage& image = pool_->objects()[object.source].levels[0];
        size = std::min(size, o.max_object_upscale * std::max(image.width, image.height));
      } else {
        object.source = PickBackground(random, *pool_, o.texture_share);
        object.source_u = random.Uniform(0.2, 0.8);
        object.source_v = random.Uniform(0.2, 0.8);
        object.mask_seed = random.Bits();
        if (stroke) object.stroke_width = random.Uniform(o.min_stroke_width, o.max_stroke_width);
      }
      object.size = std::max(4.0, size);
      object.center_x = random.Uniform(0, crop);
      object.center_y = random.Uniform(0, crop);
      object.mirror = random.Chance(0.5);
      // Strokes vary more, so that they stand out from the picture they were cut from.
      object.jitter = object.kind == ObjectKind::kPhotoStroke ? RandomJitter(random, 0.6, 60, 0.3)
                                                              : RandomJitter(random, 0.15, 10, 0.15);
      if (objects_move) object.motion = RandomMotion(random, magnitude);
      scene.objects.push_back(object);
    }
  }

  if (o.perturb_colours) scene.perturbation = RandomJitter(random, 0.25, 25, 0.2);
  scene.noise_level = random.Uniform(0, o.max_noise_level);
  scene.noise_seed = random.Bits();
  if (o.anchor_max_noise_level > 0) {
    scene.anchor_noise_level = Random(MixSeed(seed, kAnchorNoiseStream))
                                   .LogUniform(o.anchor_min_noise_level, o.anchor_max_noise_level);
  }
  // Drawn last, and only when enabled, so that everything else about a scene stays the same.
  if (o.permute_channels) {
    static constexpr std::array<std::array<int, 3>, 6> kOrders{
        {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}};
    scene.channel_order = kOrders[random.Int(0, 5)];
  }
  return scene;
}

double MaxInputMotion(const SceneSpec& scene) {
  double largest = std::hypot(scene.background.motion.dx, scene.background.motion.dy);
  for (const ObjectSpec& object : scene.objects) {
    largest = std::max(largest, std::hypot(object.motion.dx, object.motion.dy));
  }
  return largest;
}

void SetInputMotion(SceneSpec& scene, double magnitude) {
  const double current = MaxInputMotion(scene);
  auto rescale = [&](Motion& m) {
    if (current > 0) {
      m.dx *= magnitude / current;
      m.dy *= magnitude / current;
    } else {
      m = Motion{magnitude, 0};
    }
  };
  rescale(scene.background.motion);
  for (ObjectSpec& object : scene.objects) rescale(object.motion);
}

}  // namespace vmm::train
