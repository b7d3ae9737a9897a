#include "analysis/region_tracker.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

namespace vmm::analysis {
namespace {

constexpr int kMaxIterations = 40;
constexpr double kConverged = 1e-5;  // pixels: an update this small ends the iterations

// Keys' cubic convolution kernel (a = -0.5, Catmull-Rom): weights of the 4 samples around t.
void CubicWeights(double t, double weights[4]) {
  const double t2 = t * t, t3 = t2 * t;
  weights[0] = -0.5 * t3 + t2 - 0.5 * t;
  weights[1] = 1.5 * t3 - 2.5 * t2 + 1;
  weights[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  weights[3] = 0.5 * t3 - 0.5 * t2;
}

// `image` at (x, y) by bicubic interpolation, coordinates clamped to the frame.
double Sample(const LumaImage& image, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  double wx[4], wy[4];
  CubicWeights(x - fx, wx);
  CubicWeights(y - fy, wy);
  const int x0 = static_cast<int>(fx) - 1, y0 = static_cast<int>(fy) - 1;
  double sum = 0;
  for (int j = 0; j < 4; ++j) {
    const int row = std::clamp(y0 + j, 0, image.height - 1);
    const float* line = image.pixels.data() + static_cast<size_t>(row) * image.width;
    double across = 0;
    for (int i = 0; i < 4; ++i) across += wx[i] * line[std::clamp(x0 + i, 0, image.width - 1)];
    sum += wy[j] * across;
  }
  return sum;
}

float At(const LumaImage& image, int x, int y) {
  x = std::clamp(x, 0, image.width - 1);
  y = std::clamp(y, 0, image.height - 1);
  return image.pixels[static_cast<size_t>(y) * image.width + x];
}

}  // namespace

int MaxDisplacement(const Region& region) {
  return std::max(1, std::min(region.width, region.height) / 4);
}

LumaImage LumaOf(int width, int height, const std::vector<uint8_t>& rgb) {
  LumaImage luma;
  luma.width = width;
  luma.height = height;
  luma.pixels.resize(static_cast<size_t>(width) * height);
  for (size_t i = 0; i < luma.pixels.size(); ++i) {
    luma.pixels[i] = 0.299f * rgb[3 * i] + 0.587f * rgb[3 * i + 1] + 0.114f * rgb[3 * i + 2];
  }
  return luma;
}

absl::StatusOr<RegionTracker> RegionTracker::Create(int width, int height,
                                                    std::vector<Region> regions) {
  std::set<std::string> names;
  for (const Region& region : regions) {
    const std::string where = absl::StrCat("region ", region.name, " (", region.x, ",", region.y,
                                           ",", region.width, ",", region.height, ")");
    if (region.width < kMinRegionSide || region.height < kMinRegionSide) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, " is smaller than ", kMinRegionSide, "x", kMinRegionSide, " pixels"));
    }
    if (region.x < 0 || region.y < 0 || region.width > width - region.x ||
        region.height > height - region.y) {
      return absl::InvalidArgumentError(absl::StrCat(where, " lies outside the ", width, "x",
                                                     height, " frame"));
    }
    if (!names.insert(region.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two regions are named ", region.name, "; give each its own name"));
    }
  }
  return RegionTracker(width, height, std::move(regions));
}

RegionTracker::RegionTracker(int width, int height, std::vector<Region> regions)
    : width_(width), height_(height), regions_(std::move(regions)), tracks_(regions_.size()) {}

void RegionTracker::MakeTemplates(const LumaImage& reference) {
  templates_.resize(regions_.size());
  for (size_t r = 0; r < regions_.size(); ++r) {
    const Region& region = regions_[r];
    Template& t = templates_[r];
    double xx = 0, xy = 0, yy = 0;
    for (int y = region.y; y < region.y + region.height; ++y) {
      for (int x = region.x; x < region.x + region.width; ++x) {
        const float gx = 0.5f * (At(reference, x + 1, y) - At(reference, x - 1, y));
        const float gy = 0.5f * (At(reference, x, y + 1) - At(reference, x, y - 1));
        t.values.push_back(At(reference, x, y));
        t.gradient_x.push_back(gx);
        t.gradient_y.push_back(gy);
        xx += gx * gx;
        xy += gx * gy;
        yy += gy * gy;
      }
    }
    // Textured enough when the Hessian's smaller eigenvalue stands clear of noise, both per pixel
    // (an RMS gradient of half a level in the weakest direction) and against the larger one (a
    // one-directional edge has no defined 2-D displacement).
    const double determinant = xx * yy - xy * xy;
    const double trace = xx + yy;
    const double smaller = trace / 2 - std::sqrt(std::max(0.0, trace * trace / 4 - determinant));
    const double larger = trace - smaller;
    const double pixels = static_cast<double>(t.values.size());
    t.textured = smaller > 0.25 * pixels && smaller > 1e-2 * larger;
    tracks_[r].textured = t.textured;
    if (t.textured) {
      t.inverse_hessian[0] = yy / determinant;
      t.inverse_hessian[1] = -xy / determinant;
      t.inverse_hessian[2] = xx / determinant;
    }
  }
}

void RegionTracker::Measure(const LumaImage& frame, size_t r) {
  const Region& region = regions_[r];
  const Template& t = templates_[r];
  Track& track = tracks_[r];
  double dx = track.dx.empty() ? 0 : track.dx.back();
  double dy = track.dy.empty() ? 0 : track.dy.back();
  double residual = 0;
  if (!t.textured) {
    track.dx.push_back(0);
    track.dy.push_back(0);
    track.residual.push_back(0);
    return;
  }
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    double bx = 0, by = 0, squared = 0;
    size_t i = 0;
    for (int y = region.y; y < region.y + region.height; ++y) {
      for (int x = region.x; x < region.x + region.width; ++x, ++i) {
        const double error = Sample(frame, x + dx, y + dy) - t.values[i];
        bx += t.gradient_x[i] * error;
        by += t.gradient_y[i] * error;
        squared += error * error;
      }
    }
    residual = std::sqrt(squared / static_cast<double>(t.values.size()));
    const double step_x = t.inverse_hessian[0] * bx + t.inverse_hessian[1] * by;
    const double step_y = t.inverse_hessian[1] * bx + t.inverse_hessian[2] * by;
    dx -= step_x;
    dy -= step_y;
    if (!(std::hypot(dx, dy) <= MaxDisplacement(region) + 1)) break;  // ran away: lost
    if (std::hypot(step_x, step_y) < kConverged) break;
  }
  if (!std::isfinite(dx) || !std::isfinite(dy) ||
      std::hypot(dx, dy) > MaxDisplacement(region)) {
    ++track.lost_frames;
    dx = track.dx.empty() ? 0 : track.dx.back();
    dy = track.dy.empty() ? 0 : track.dy.back();
  }
  track.dx.push_back(dx);
  track.dy.push_back(dy);
  track.residual.push_back(residual);
}

absl::Status RegionTracker::Add(const LumaImage& frame) {
  if (frame.width != width_ || frame.height != height_) {
    return absl::InvalidArgumentError(absl::StrCat("frame is ", frame.width, "x", frame.height,
                                                   ", the first was ", width_, "x", height_));
  }
  if (templates_.empty()) MakeTemplates(frame);
  for (size_t r = 0; r < regions_.size(); ++r) Measure(frame, r);
  return absl::OkStatus();
}

}  // namespace vmm::analysis
