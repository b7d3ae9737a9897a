// The synthetic training-data generator: draws a random scene for a sample index and renders
// it. Every sample is a pure function of (seed, index), so training can resume mid-stream and
// evaluation can regenerate the same set.
//
// Usage (evaluation renders chosen motions the same way):
//   auto pool = ImagePool::LoadDataDir("data-cache", PoolSplit::kHeldOut);
//   GeneratorOptions options;  options.crop_size = 256;  options.seed = 7;
//   SampleGenerator generator(*pool, options);
//   SceneSpec scene = generator.DrawScene(i);
//   SetInputMotion(scene, 0.1); scene.alpha = 100;   // 0.1 px magnified to 10 px
//   Sample sample = generator.Render(scene);
//
// Thread-safety: all methods are const and safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <memory>

#include "train/data/image_pool.h"
#include "train/data/renderer.h"
#include "train/data/scene_sampler.h"

namespace vmm::train {

// Generator settings. `crop_size` overrides sampler.crop_size.
struct GeneratorOptions {
  int crop_size = 128;      // output frames are crop_size x crop_size (a multiple of 4)
  uint64_t seed = 1;        // sample i is determined by (seed, i)
  int supersampling = 2;    // see RenderOptions
  double antialias_sigma = 0.5;
  SamplerOptions sampler;   // ranges of the random scenes
};

// Draws and renders samples.
class SampleGenerator {
 public:
  SampleGenerator(std::shared_ptr<const ImagePool> pool, GeneratorOptions options);

  // The random scene of sample `index`.
  SceneSpec DrawScene(uint64_t index) const;
  // Renders any scene (random or edited) at this generator's crop size.
  Sample Render(const SceneSpec& scene) const;
  // DrawScene then Render.
  Sample Generate(uint64_t index) const { return Render(DrawScene(index)); }

  const GeneratorOptions& options() const { return options_; }
  const ImagePool& pool() const { return *pool_; }

 private:
  std::shared_ptr<const ImagePool> pool_;
  GeneratorOptions options_;
  SceneSampler sampler_;
  SceneRenderer renderer_;
};

}  // namespace vmm::train
