#include "train/data/sample_generator.h"

namespace vmm::train {
namespace {

SamplerOptions WithCrop(SamplerOptions options, int crop_size) {
  options.crop_size = crop_size;
  return options;
}

}  // namespace

SampleGenerator::SampleGenerator(std::shared_ptr<const ImagePool> pool, GeneratorOptions options)
    : pool_(pool),
      options_(options),
      sampler_(pool, WithCrop(options.sampler, options.crop_size)),
      renderer_(pool, RenderOptions{options.crop_size, options.supersampling,
                                    options.antialias_sigma}) {
  options_.sampler.crop_size = options.crop_size;
}

SceneSpec SampleGenerator::DrawScene(uint64_t index) const {
  return sampler_.Draw(MixSeed(options_.seed, index));
}

Sample SampleGenerator::Render(const SceneSpec& scene) const { return renderer_.Render(scene); }

}  // namespace vmm::train
