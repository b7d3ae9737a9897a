// Draws random SceneSpecs after Sec. 3.3 of the paper: one of five parts with equal
// probability, 7 to 15 objects (pool stamps with their alpha, and photo patches cut by random
// blobs and polygons, and optionally thin strokes; optionally a share of scenes of thin strokes
// alone over a smooth background), a random direction and size of motion for
// every layer, and alpha drawn jointly with the input motion so that alpha * |d| never exceeds the
// magnified-motion limit; optionally a random order of the colour channels.
// Input motion is log-uniform from 0.01 px, so sub-pixel motion is sampled densely.
//
// Thread-safety: Draw is const and safe to call concurrently; the pool must outlive the sampler.
#pragma once

#include <cstdint>
#include <memory>

#include "train/data/image_pool.h"
#include "train/data/scene.h"

namespace vmm::train {

// Ranges the sampler draws from. Lengths in output pixels.
struct SamplerOptions {
  int crop_size = 128;                 // side of the square output frames
  int min_objects = 7;                 // objects per scene (parts with objects)
  int max_objects = 15;
  double min_input_motion = 0.01;      // input motion |d| is log-uniform in [min, max]
  double max_input_motion = 10;
  double max_alpha = 100;              // alpha is uniform in [1, min(max_alpha, limit / |d|)]
  double max_magnified_motion = 30;    // limit on alpha * |d| for every layer
  double stamp_fraction = 0.6;         // share of objects that are pool stamps (vs photo cuts)
  double stroke_fraction = 0;          // share of photo cuts that are thin strokes
  double min_stroke_width = 1;         // stroke width is uniform in [min, max]
  double max_stroke_width = 6;
  double min_object_size = 0.15;       // object longest side, as a fraction of the crop
  double max_object_size = 0.6;
  double max_object_upscale = 2;       // objects are never enlarged beyond this
  double max_noise_level = 0.3;        // noise level is uniform in [0, max]
  bool perturb_colours = true;         // false: B = C colours and Y in A's colours
  bool permute_channels = false;       // a random channel order per scene (SceneSpec)
  // Share of backgrounds and photo cut-outs drawn from the pool's textures rather than its
  // photographs (0: photographs only, as before textures existed; ignored without textures).
  double texture_share = 0;
  // Share of scenes made of a few thin strokes alone over a smoothed background (blur sigma
  // 2-8 px): thin structures whose magnified motion exceeds their width, which cluttered scenes
  // rarely show unoccluded. Decided apart from the rest of the draw, so that every other scene
  // is the same as with a share of 0.
  double thin_scene_share = 0;
  // When above 0, every scene also gets an anchor noise level (SceneSpec::anchor_noise_level),
  // log-uniform in [anchor_min_noise_level, anchor_max_noise_level], from a stream of its own so
  // that the rest of the scene is the same as without it. The evaluation's noise factor f is
  // level sqrt(f): 10 is its heaviest point (factor 100).
  double anchor_min_noise_level = 0.3;
  double anchor_max_noise_level = 0;
};

// Draws random scenes from a pool.
class SceneSampler {
 public:
  SceneSampler(std::shared_ptr<const ImagePool> pool, SamplerOptions options);

  // A random scene determined by `seed` alone.
  SceneSpec Draw(uint64_t seed) const;

  const SamplerOptions& options() const { return options_; }

 private:
  std::shared_ptr<const ImagePool> pool_;
  SamplerOptions options_;
};

// Mixes a base seed and an index into a well-spread 64-bit seed (SplitMix64).
uint64_t MixSeed(uint64_t seed, uint64_t index);

}  // namespace vmm::train
