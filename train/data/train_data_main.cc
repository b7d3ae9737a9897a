// vmm-train-data: renders synthetic training samples to PNG files so a person can look at them,
// and reports how long a sample takes to generate.
//
//   vmm-train-data --data data-cache --out /tmp/samples --count 8 --seed 1 --size 128
//
// For each sample i it writes i-a.png, i-b.png, i-c.png, i-y.png (X_a, X_b, X_c and the target
// Y) and i-strip.png (the four side by side), and prints the part, alpha and motion.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "media/image_io.h"
#include "train/data/image_pool.h"
#include "train/data/sample_generator.h"

namespace {

// Maps a planar [-1, 1] image to packed RGB24, placing it at column `x0` of `frame`.
void PasteInto(const vmm::train::PlanarImage& image, vmm::media::Frame& frame, int x0) {
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const float v = (image.at(c, y, x) + 1.0f) * 127.5f;
        frame.rgb[(size_t(y) * frame.width + x0 + x) * 3 + c] =
            static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 255.0f)));
      }
    }
  }
}

vmm::media::Frame BlankFrame(int width, int height) {
  vmm::media::Frame frame;
  frame.width = width;
  frame.height = height;
  frame.rgb.assign(size_t(width) * height * 3, 0);
  return frame;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Render synthetic motion-magnification training samples to PNG files"};
  std::string data_dir = "data-cache", out_dir;
  int count = 8, size = 128, start = 0;
  uint64_t seed = 1;
  bool held_out = false;
  app.add_option("--data", data_dir, "image pool folder from scripts/collect-training-images.sh")
      ->capture_default_str();
  app.add_option("--out", out_dir, "folder for the PNG files")->required();
  app.add_option("--count", count, "samples to render")->capture_default_str();
  app.add_option("--start", start, "index of the first sample")->capture_default_str();
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  app.add_option("--size", size, "crop size in pixels (multiple of 4)")->capture_default_str();
  app.add_flag("--heldout", held_out, "use the held-out image lists");
  double stroke_fraction = 0;
  app.add_option("--stroke-fraction", stroke_fraction, "share of photo cut-outs drawn as strokes")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  double thin_scene_share = 0;
  app.add_option("--thin-scene-share", thin_scene_share,
                 "share of scenes of thin strokes alone over a smoothed background")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  bool permute_channels = false;
  app.add_flag("--permute-channels", permute_channels, "random colour-channel order per sample");
  CLI11_PARSE(app, argc, argv);

  auto pool = vmm::train::ImagePool::LoadDataDir(
      data_dir, held_out ? vmm::train::PoolSplit::kHeldOut : vmm::train::PoolSplit::kTraining);
  if (!pool.ok()) {
    std::cerr << "vmm-train-data: " << pool.status() << "\n";
    return 1;
  }
  std::cout << "pool: " << (*pool)->backgrounds().size() << " backgrounds, "
            << (*pool)->objects().size() << " objects\n";
  vmm::train::GeneratorOptions options;
  options.crop_size = size;
  options.seed = seed;
  options.sampler.stroke_fraction = stroke_fraction;
  options.sampler.permute_channels = permute_channels;
  options.sampler.thin_scene_share = thin_scene_share;
  vmm::train::SampleGenerator generator(*pool, options);
  std::filesystem::create_directories(out_dir);
  double total_seconds = 0;
  for (int i = start; i < start + count; ++i) {
    const auto begin = std::chrono::steady_clock::now();
    const vmm::train::Sample sample = generator.Generate(i);
    total_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    const vmm::train::PlanarImage* frames[4] = {&sample.frame_a, &sample.frame_b,
                                                &sample.frame_c, &sample.target};
    const char* names[4] = {"a", "b", "c", "y"};
    vmm::media::Frame strip = BlankFrame(4 * size + 3 * 4, size);
    for (int k = 0; k < 4; ++k) {
      vmm::media::Frame single = BlankFrame(size, size);
      PasteInto(*frames[k], single, 0);
      PasteInto(*frames[k], strip, k * (size + 4));
      const absl::Status written =
          vmm::media::WriteImagePng(absl::StrFormat("%s/%05d-%s.png", out_dir, i, names[k]), single);
      if (!written.ok()) {
        std::cerr << "vmm-train-data: " << written << "\n";
        return 1;
      }
    }
    const absl::Status written =
        vmm::media::WriteImagePng(absl::StrFormat("%s/%05d-strip.png", out_dir, i), strip);
    if (!written.ok()) {
      std::cerr << "vmm-train-data: " << written << "\n";
      return 1;
    }
    std::cout << absl::StrFormat("%05d part %d objects %2d alpha %6.2f input motion %7.3f px "
                                 "magnified %6.2f px noise %.3f\n",
                                 i, static_cast<int>(sample.scene.part),
                                 sample.scene.objects.size(), sample.alpha,
                                 vmm::train::MaxInputMotion(sample.scene),
                                 sample.alpha * vmm::train::MaxInputMotion(sample.scene),
                                 sample.scene.noise_level);
  }
  std::cout << absl::StrFormat("%.1f ms per sample (one thread)\n", 1000 * total_seconds / count);
  return 0;
}
