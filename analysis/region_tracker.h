// Sub-pixel displacement of rectangular regions of a video, frame by frame, relative to the first
// frame: inverse-compositional Lucas-Kanade (Baker and Matthews 2004) on luma, translation only,
// bicubic sampling, each frame started from the previous frame's estimate so that motion of a few
// pixels is followed. The measurement behind `vmm analyze`: a point is a small region.
//
// Thread-safety: a RegionTracker is used by one thread at a time. Ownership: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/analysis_limits.h"

namespace vmm::analysis {

// A named rectangle of the frame, in pixels: columns [x, x + width), rows [y, y + height).
struct Region {
  std::string name;
  int x = 0, y = 0, width = 0, height = 0;
};

// The smallest region side the tracker accepts (pixels): smaller ones hold too little texture.
inline constexpr int kMinRegionSide = common::kMinRegionSide;

// One frame's luma (Y of BT.601, 0..255) as floats, row-major.
struct LumaImage {
  int width = 0, height = 0;
  std::vector<float> pixels;
};

// A region's displacement in every frame so far, in pixels (x right, y down), frame 0 being 0.
struct Track {
  std::vector<double> dx, dy;
  // How well the last iteration fitted: root-mean-square luma difference per pixel, per frame.
  std::vector<double> residual;
  // False when the region's first frame is too flat (or textured in one direction only) for a
  // 2-D displacement: dx and dy then stay 0.
  bool textured = true;
  // Frames where the fit ran away (the content left the region, or moved by more than a quarter
  // of its smaller side): the previous frame's displacement is repeated there.
  int lost_frames = 0;
};

// How far a region's content may move from where it was in the first frame and still be
// measured: a quarter of the region's smaller side.
int MaxDisplacement(const Region& region);

// Tracks regions through the frames of one video.
class RegionTracker {
 public:
  // A tracker for `width` x `height` frames. INVALID_ARGUMENT naming the region when one lies
  // (partly) outside the frame or has a side under kMinRegionSide; when two share a name.
  static absl::StatusOr<RegionTracker> Create(int width, int height, std::vector<Region> regions);

  // Measures every region in `frame` (the first frame becomes the reference). INVALID_ARGUMENT
  // when its size differs from Create's.
  absl::Status Add(const LumaImage& frame);

  const std::vector<Region>& regions() const { return regions_; }
  // Track i belongs to regions()[i].
  const std::vector<Track>& tracks() const { return tracks_; }

 private:
  // What the reference frame gives each region: its pixels, gradients and the inverse of the
  // Gauss-Newton Hessian (the same for every frame: inverse compositional).
  struct Template {
    std::vector<float> values, gradient_x, gradient_y;
    double inverse_hessian[3] = {0, 0, 0};  // xx, xy, yy of the symmetric 2x2 inverse
    bool textured = false;                  // false: too flat to measure (displacement 0)
  };

  RegionTracker(int width, int height, std::vector<Region> regions);
  void MakeTemplates(const LumaImage& reference);
  void Measure(const LumaImage& frame, size_t region);

  int width_ = 0, height_ = 0;
  std::vector<Region> regions_;
  std::vector<Template> templates_;
  std::vector<Track> tracks_;
};

// BT.601 luma of a packed RGB24 frame.
LumaImage LumaOf(int width, int height, const std::vector<uint8_t>& rgb);

}  // namespace vmm::analysis
