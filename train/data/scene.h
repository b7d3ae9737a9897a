// The description of one synthetic training scene, after Sec. 3.3 of Oh et al. (ECCV 2018): a
// background crop and foreground objects, each layer with its own input motion, a magnification
// factor, the colour perturbation that makes frame B and the target, and the noise on the inputs.
// A SceneSpec is plain data: draw one at random (SceneSampler) or write one by hand, change its
// motion or alpha, then render it (SceneRenderer). All lengths are in output (crop) pixels.
//
// Frame semantics (as in the authors' release):
//   A = the scene at time 0;  C = the scene after the input motion d, with A's colours;
//   B = C with the colour perturbation;  Y = the scene after alpha*d, perturbed like B.
// The network sees (A, B, alpha) and must produce Y.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace vmm::train {

// The five parts of the paper's dataset, drawn with equal probability.
enum class ScenePart {
  kForegroundAndBackground = 0,  // objects and background all moving
  kBackgroundOnly = 1,           // no objects, the background moves (a large object)
  kBlurredBackground = 2,        // like kForegroundAndBackground with a blurred background
  kStatic = 3,                   // nothing moves (d = 0); alpha is still random
  kStaticBackground = 4,         // background still, objects moving
};
inline constexpr int kScenePartCount = 5;

// A 2-D displacement in output pixels, from frame A to frame C.
struct Motion {
  double dx = 0, dy = 0;
};

// Per-channel colour change: out = 255 * gain * (in / 255)^gamma + offset, in 0..255 units.
struct ColourTransform {
  std::array<double, 3> gain{1, 1, 1};
  std::array<double, 3> offset{0, 0, 0};
  std::array<double, 3> gamma{1, 1, 1};
};

// The background layer: a square crop of a pool picture.
struct BackgroundSpec {
  int source = 0;               // index into ImagePool::backgrounds()
  double center_u = 0.5;        // crop centre, as a fraction of the picture's width
  double center_v = 0.5;        // ... and height
  double source_px_per_output_px = 1;  // zoom: picture pixels (level 0) per output pixel
  int quarter_turns = 0;        // 0..3 turns by 90 degrees
  bool mirror = false;          // flip left-right
  ColourTransform jitter;       // colour jitter of the picture (applied to every frame)
  double blur_sigma = 0;        // Gaussian blur of the picture, output pixels (0: sharp)
  Motion motion;
};

// How a foreground object is cut out.
enum class ObjectKind {
  kStamp = 0,         // a pool object with its own alpha channel
  kPhotoBlob = 1,     // a patch of a background picture cut by a smooth random blob
  kPhotoPolygon = 2,  // a patch of a background picture cut by a random star-shaped polygon
  kPhotoStroke = 3,   // a patch of a background picture cut by a thin random curve
};

// One foreground object.
struct ObjectSpec {
  ObjectKind kind = ObjectKind::kStamp;
  int source = 0;              // index into objects() (stamps) or backgrounds() (photo patches)
  double center_x = 0, center_y = 0;  // position in frame A, output pixels from the top-left
  double size = 32;            // longest side, output pixels
  double source_u = 0.5, source_v = 0.5;  // photo patches: where the patch is cut from
  bool mirror = false;
  ColourTransform jitter;
  uint64_t mask_seed = 0;      // photo patches: shape of the blob, polygon or stroke
  double stroke_width = 0;     // strokes: width, output pixels
  Motion motion;
};

// Everything needed to render one training sample.
struct SceneSpec {
  ScenePart part = ScenePart::kForegroundAndBackground;
  BackgroundSpec background;
  std::vector<ObjectSpec> objects;  // painted in order: later ones occlude earlier ones
  double alpha = 1;                 // magnification factor: Y shows alpha * d
  ColourTransform perturbation;     // turns C into B and the magnified scene into Y
  double noise_level = 0;           // the release's U(0, 0.3) factor; 0 = no noise
  bool dither = true;               // random rounding to 8 bits (false: round to nearest)
  uint64_t noise_seed = 0;          // seeds dithering and noise
  // Level of the heavy noise on the anchor copies of A and B (Sample::anchor_a, anchor_b) that
  // a reference network's outputs are compared on; 0 = no anchor copies.
  double anchor_noise_level = 0;
  // Channel c of every rendered frame shows the scene's channel channel_order[c]: a channel
  // permutation applied to A, B, C and Y alike, so that no hue is likelier than its permutations.
  std::array<int, 3> channel_order{0, 1, 2};
};

// Largest input motion of any layer, in output pixels.
double MaxInputMotion(const SceneSpec& scene);

// Rescales the motion of every layer so the largest input motion is `magnitude` pixels,
// keeping directions and relative sizes. A scene with no motion gets every layer moving by
// `magnitude` pixels along +x (so evaluation can set a chosen motion on any scene).
void SetInputMotion(SceneSpec& scene, double magnitude);

}  // namespace vmm::train
