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

std::vector<float> RenderStrokeMask(int size, double width, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<float> mask(size_t(size) * size, 0.0f);
  const double radius = 0.5 * std::clamp(width, 0.5, 0.25 * size);
  // Ends on opposite sides of a circle around the centre; the control point anywhere inside.
  const double margin = radius + 1.5;
  const double reach = std::max(0.0, 0.5 * size - margin);
  const double centre = 0.5 * size;
  const double angle = unit(rng) * 2 * kPi;
  const double spread = (unit(rng) - 0.5) * 0.5 * kPi;
  const double x0 = centre + reach * std::cos(angle), y0 = centre + reach * std::sin(angle);
  const double x2 = centre - reach * std::cos(angle + spread);
  const double y2 = centre - reach * std::sin(angle + spread);
  const double x1 = centre + reach * (2 * unit(rng) - 1) * 0.7;
  const double y1 = centre + reach * (2 * unit(rng) - 1) * 0.7;
  // Stamps an antialiased disc at every quarter pixel of the curve, keeping the largest coverage.
  const double length = std::hypot(x1 - x0, y1 - y0) + std::hypot(x2 - x1, y2 - y1);
  const int steps = std::max(2, static_cast<int>(std::ceil(4 * length)));
  for (int k = 0; k <= steps; ++k) {
    const double t = static_cast<double>(k) / steps;
    const double cx = (1 - t) * (1 - t) * x0 + 2 * (1 - t) * t * x1 + t * t * x2;
    const double cy = (1 - t) * (1 - t) * y0 + 2 * (1 - t) * t * y1 + t * t * y2;
    const int first_x = std::max(0, static_cast<int>(std::floor(cx - radius - 1)));
    const int last_x = std::min(size - 1, static_cast<int>(std::ceil(cx + radius + 1)));
    const int first_y = std::max(0, static_cast<int>(std::floor(cy - radius - 1)));
    const int last_y = std::min(size - 1, static_cast<int>(std::ceil(cy + radius + 1)));
    for (int y = first_y; y <= last_y; ++y) {
      for (int x = first_x; x <= last_x; ++x) {
        const double distance = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
        const float coverage = static_cast<float>(std::clamp(radius - distance + 0.5, 0.0, 1.0));
        float& pixel = mask[size_t(y) * size + x];
        pixel = std::max(pixel, coverage);
      }
    }
  }
  return mask;
}

}  // namespace vmm::train
