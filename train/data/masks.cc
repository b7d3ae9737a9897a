#include "train/data/masks.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace vmm::train {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Boundary radius (relative to the largest) of a blob, as a function of the angle.
struct Blob {
  double amplitude[4], phase[4];
  double Radius(double theta) const {
    double r = 1.0;
    for (int k = 0; k < 4; ++k) r += amplitude[k] * std::cos((k + 2) * theta + phase[k]);
    return r;
  }
};

// Star-shaped polygon: vertices at increasing angles around the centre.
struct Polygon {
  std::vector<double> angle, radius;
  double Radius(double theta) const {
    const size_t n = angle.size();
    // Find the edge whose angular span contains theta.
    size_t i = n - 1;
    for (size_t k = 0; k < n; ++k) {
      if (angle[k] > theta) break;
      i = k;
    }
    const size_t j = (i + 1) % n;
    const double x1 = radius[i] * std::cos(angle[i]), y1 = radius[i] * std::sin(angle[i]);
    const double x2 = radius[j] * std::cos(angle[j]), y2 = radius[j] * std::sin(angle[j]);
    const double ux = std::cos(theta), uy = std::sin(theta);
    const double denominator = ux * (y2 - y1) - uy * (x2 - x1);
    if (std::abs(denominator) < 1e-12) return std::min(radius[i], radius[j]);
    return (x1 * y2 - y1 * x2) / denominator;
  }
};

}  // namespace

std::vector<float> RenderRandomMask(MaskShape shape, int size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Blob blob{};
  Polygon polygon;
  if (shape == MaskShape::kBlob) {
    for (int k = 0; k < 4; ++k) {
      blob.amplitude[k] = unit(rng) * 0.3 / (k + 1);
      blob.phase[k] = unit(rng) * 2 * kPi;
    }
  } else {
    const int n = 3 + static_cast<int>(unit(rng) * 6);  // 3..8 vertices
    const double start = unit(rng) * 2 * kPi;
    for (int k = 0; k < n; ++k) {
      // Jitter below 0.2 of a step keeps every angular gap under pi: the centre stays inside.
      const double a = start + 2 * kPi * (k + (unit(rng) - 0.5) * 0.4) / n;
      polygon.angle.push_back(a);
      polygon.radius.push_back(0.45 + 0.55 * unit(rng));
    }
    // Angles into [-pi, pi), sorted with their radii.
    std::vector<std::pair<double, double>> vertices;
    for (int k = 0; k < n; ++k) {
      vertices.push_back({std::remainder(polygon.angle[k], 2 * kPi), polygon.radius[k]});
    }
    std::sort(vertices.begin(), vertices.end());
    for (int k = 0; k < n; ++k) {
      polygon.angle[k] = vertices[k].first;
      polygon.radius[k] = vertices[k].second;
    }
  }
  // Largest boundary radius, so the shape fits the square with a pixel to spare.
  double max_radius = 0;
  for (int k = 0; k < 360; ++k) {
    const double theta = -kPi + 2 * kPi * k / 360;
    max_radius = std::max(max_radius, shape == MaskShape::kBlob ? blob.Radius(theta)
                                                                : polygon.Radius(theta));
  }
  const double centre = 0.5 * size;
  const double scale = (0.5 * size - 1.5) / std::max(max_radius, 1e-6);
  std::vector<float> mask(size_t(size) * size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const double px = x + 0.5 - centre, py = y + 0.5 - centre;
      const double rho = std::hypot(px, py);
      const double theta = std::atan2(py, px);
      const double boundary =
          scale * (shape == MaskShape::kBlob ? blob.Radius(theta) : polygon.Radius(theta));
      mask[size_t(y) * size + x] = static_cast<float>(std::clamp(boundary - rho + 0.5, 0.0, 1.0));
    }
  }
  return mask;
}

}  // namespace vmm::train
