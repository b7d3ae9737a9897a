// Renders a SceneSpec into the frames of one training sample: every layer is reconstructed at
// `supersampling` times the output resolution, translated in the continuous domain with a
// separable Catmull-Rom cubic, composited with its equally translated alpha, prefiltered with a
// Gaussian of `antialias_sigma` output pixels and downsampled; then the colour perturbation
// (B, Y), dithered 8-bit quantisation (each pixel rounds up with probability equal to its
// residual) and the release's noise on the inputs A and B only:
//   x + noise_level * N(0, 1) * sqrt(x + 1) / sqrt(127.5),  x in [-1, 1], clamped.
//
// Thread-safety: Render is const and safe to call concurrently; the pool must outlive it.
#pragma once

#include <memory>

#include "train/data/image_pool.h"
#include "train/data/raster.h"
#include "train/data/scene.h"

namespace vmm::train {

// Output geometry and resampling.
struct RenderOptions {
  int crop_size = 128;           // output frames are crop_size x crop_size
  int supersampling = 2;         // render at this multiple of the output resolution
  // Gaussian prefilter before downsampling, in output pixels: 0.5 (FWHM about 1.2 output
  // pixels) is our reading of the paper's "kernel of 1 pixel in the destination domain".
  double antialias_sigma = 0.5;
};

// One rendered training sample. Frames are [3, S, S] planar RGB in [-1, 1].
struct Sample {
  PlanarImage frame_a;  // X_a: the scene at time 0 (noisy)
  PlanarImage frame_b;  // X_b: after the input motion, colour-perturbed (noisy)
  PlanarImage frame_c;  // X_c: after the input motion, A's colours (no noise)
  PlanarImage target;   // Y: after alpha times the input motion, perturbed like B (no noise)
  // A and B as they are before their noise, with the scene's anchor noise instead (its own
  // random stream, so A and B are the same as without them); empty when the scene has none.
  PlanarImage anchor_a, anchor_b;
  float alpha = 1;      // magnification factor
  SceneSpec scene;      // what was rendered
};

// Renders scenes from one pool.
class SceneRenderer {
 public:
  SceneRenderer(std::shared_ptr<const ImagePool> pool, RenderOptions options);

  Sample Render(const SceneSpec& scene) const;

  const RenderOptions& options() const { return options_; }

 private:
  // A layer at the supersampled resolution: premultiplied colour and alpha (objects) or colour
  // (background), with its top-left on the supersampled canvas.
  struct Layer {
    PlanarImage image;
    int x = 0, y = 0;
    Motion motion;  // output pixels
  };

  Layer RenderBackground(const SceneSpec& scene, int canvas_size) const;
  Layer RenderObject(const ObjectSpec& object, int border) const;
  // The supersampled canvas at time `time` (0 = A, 1 = C, alpha = Y), downsampled.
  PlanarImage RenderFrame(const Layer& background, const std::vector<Layer>& objects,
                          double time, int canvas_size, int border) const;

  std::shared_ptr<const ImagePool> pool_;
  RenderOptions options_;
};

// Applies `transform` to the colour planes of an image in 0..255, in place (premultiplied
// images pass their alpha plane so colour is transformed before premultiplication).
void ApplyColourTransform(const ColourTransform& transform, PlanarImage& image,
                          bool premultiplied);

}  // namespace vmm::train
