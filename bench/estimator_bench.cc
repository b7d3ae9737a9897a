// The displacement estimator behind `vmm analyze`, measured against a phase-based one, on the
// same synthetic videos in one run: a smooth random texture (plane waves up to 0.12 cycles per
// pixel) filling a 128x128 frame, shifted by A sin(2 pi f t) in x (the texture is evaluated at
// the shifted position, so shifts are exact), with Poisson-like photon noise (variance =
// intensity / 8) and rounding to 8 bits, the model of the analysis tests. The region is the
// central 64x64. The two estimators:
//   Lucas-Kanade: analysis::RegionTracker (inverse compositional, translation, bicubic);
//   phase: the complex steerable pyramid of the evaluation (methods/steerable_pyramid.h, 4
//     orientations, 3 levels) of the whole frame; per frame the least-squares translation d
//     with dphi = -(w . d) over the region's coefficients, where dphi is the phase change since
//     frame 0 and w the reference's phase gradient (Fleet and Jepson's phase constancy), each
//     weighted by the square of its amplitudes.
// Each track's amplitude at f is fitted by least squares (the same for both). Prints, for each
// true amplitude, both estimates and their relative errors, and the seconds per frame of each
// with their ratio, with the ISA oneDNN runs with.
//
//   build/bench/estimator_bench [--frames N] [--threads T]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "analysis/region_tracker.h"
#include "engine/kernel_choice.h"
#include "methods/steerable_pyramid.h"

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kSide = 128;        // frame
constexpr int kRegion = 64;       // region side, centred
constexpr double kFs = 30;        // frames per second
constexpr double kFrequency = 2;  // sway, Hz

// Plane waves up to 0.12 cycles per pixel, as in tests/analysis/analyze_video_test.cc.
struct Texture {
  struct Wave {
    double u, v, phase;
  };
  std::vector<Wave> waves;
  explicit Texture(uint32_t seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> frequency(-0.12, 0.12), phase(0, 2 * kPi);
    for (int i = 0; i < 24; ++i) {
      waves.push_back({frequency(random), frequency(random), phase(random)});
    }
  }
  double At(double x, double y) const {
    double value = 0;
    for (const Wave& w : waves) value += std::sin(2 * kPi * (w.u * x + w.v * y) + w.phase);
    return 128 + 90 * value / std::sqrt(waves.size() * 0.5) / 2.5;
  }
};

std::vector<vmm::analysis::LumaImage> MakeVideo(double amplitude, int frames) {
  const Texture texture(7);
  std::mt19937 random(11);
  std::normal_distribution<double> unit(0, 1);
  std::vector<vmm::analysis::LumaImage> video;
  for (int t = 0; t < frames; ++t) {
    vmm::analysis::LumaImage frame{kSide, kSide, std::vector<float>(kSide * kSide)};
    const double shift = amplitude * std::sin(2 * kPi * kFrequency * t / kFs);
    for (int y = 0; y < kSide; ++y) {
      for (int x = 0; x < kSide; ++x) {
        double value = texture.At(x - shift, y);
        value += std::sqrt(std::max(value, 1.0) / 8) * unit(random);
        frame.pixels[y * kSide + x] =
            static_cast<float>(std::clamp(std::round(value), 0.0, 255.0));
      }
    }
    video.push_back(std::move(frame));
  }
  return video;
}

// Least-squares amplitude of sin/cos at kFrequency in `track` (its mean removed).
double FittedAmplitude(const std::vector<double>& track) {
  double mean = 0;
  for (double v : track) mean += v;
  mean /= track.size();
  double s = 0, c = 0;
  for (size_t t = 0; t < track.size(); ++t) {
    const double angle = 2 * kPi * kFrequency * t / kFs;
    s += (track[t] - mean) * std::sin(angle);
    c += (track[t] - mean) * std::cos(angle);
  }
  return 2 * std::hypot(s, c) / track.size();
}

std::vector<double> TrackLucasKanade(const std::vector<vmm::analysis::LumaImage>& video) {
  const int corner = (kSide - kRegion) / 2;
  auto tracker = vmm::analysis::RegionTracker::Create(
      kSide, kSide, {{"centre", corner, corner, kRegion, kRegion}});
  for (const auto& frame : video) (void)tracker->Add(frame);
  return tracker->tracks()[0].dx;
}

torch::Tensor Luma(const vmm::analysis::LumaImage& frame) {
  return torch::from_blob(const_cast<float*>(frame.pixels.data()), {1, kSide, kSide},
                          torch::kFloat32)
      .clone();
}

// x displacement of the region in every frame, from the phase of the pyramid's bands against
// frame 0's. (Against the bands' mean over the video instead, a reference with less noise, the
// estimates were the same to 0.5%.)
std::vector<double> TrackPhase(const std::vector<vmm::analysis::LumaImage>& video,
                               const vmm::methods::SteerablePyramid& pyramid) {
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> reference = pyramid.Decompose(Luma(video[0])).bands;
  std::vector<double> dx;
  for (const auto& frame : video) {
    const std::vector<torch::Tensor> now = pyramid.Decompose(Luma(frame)).bands;
    double sxx = 0, sxy = 0, syy = 0, bx = 0, by = 0;
    for (size_t level = 0; level < reference.size(); ++level) {
      const torch::Tensor& r = reference[level];  // complex [1, n, h, w]
      // The region's coefficients at this level (the whole frame around it gives them context).
      const int64_t corner = ((kSide - kRegion) / 2) >> level, side = kRegion >> level;
      auto inner = [&](const torch::Tensor& t, int64_t dy, int64_t dxs) {
        return t.narrow(2, corner + dy, side).narrow(3, corner + dxs, side);
      };
      const torch::Tensor r0 = inner(r, 0, 0), c0 = inner(now[level], 0, 0);
      const double scale = std::ldexp(1.0, -static_cast<int>(level));  // level px -> image px
      const torch::Tensor wx = torch::angle(inner(r, 0, 1) * torch::conj(r0)) * scale;
      const torch::Tensor wy = torch::angle(inner(r, 1, 0) * torch::conj(r0)) * scale;
      const torch::Tensor dphi = torch::angle(c0 * torch::conj(r0));
      // Squared amplitudes: bands the texture barely reaches (noise) hardly count.
      const torch::Tensor weight = torch::square(torch::abs(r0) * torch::abs(c0));
      sxx += (weight * wx * wx).sum().item<double>();
      sxy += (weight * wx * wy).sum().item<double>();
      syy += (weight * wy * wy).sum().item<double>();
      bx -= (weight * wx * dphi).sum().item<double>();
      by -= (weight * wy * dphi).sum().item<double>();
    }
    const double det = sxx * syy - sxy * sxy;
    dx.push_back(det > 0 ? (syy * bx - sxy * by) / det : 0);
  }
  return dx;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lucas-Kanade against phase-based displacement on synthetic sway"};
  int frames = 150;
  int threads = 2;
  app.add_option("--frames", frames, "Frames per video")->check(CLI::Range(30, 3000));
  app.add_option("--threads", threads, "LibTorch threads")->check(CLI::Range(1, 256));
  CLI11_PARSE(app, argc, argv);
  torch::set_num_threads(threads);
  auto pyramid =
      vmm::methods::SteerablePyramid::Create(kSide, kSide, {/*orientations=*/4, 3});
  if (!pyramid.ok()) {
    std::fprintf(stderr, "estimator_bench: %s\n", std::string(pyramid.status().message()).c_str());
    return 1;
  }
  std::printf("ISA %s; %d frames of %dx%d, region %dx%d, sway at %g Hz, fs %g Hz\n",
              vmm::engine::OneDnnIsa().c_str(), frames, kSide, kSide, kRegion, kRegion,
              kFrequency, kFs);
  std::printf("%10s  %14s %8s  %14s %8s\n", "true px", "Lucas-Kanade", "error", "phase",
              "error");
  double lk_seconds = 0, phase_seconds = 0;
  for (double amplitude : {0.02, 0.05, 0.1, 0.2, 0.5, 1.0}) {
    const auto video = MakeVideo(amplitude, frames);
    auto start = std::chrono::steady_clock::now();
    const double lk = FittedAmplitude(TrackLucasKanade(video));
    lk_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    start = std::chrono::steady_clock::now();
    const double phase = FittedAmplitude(TrackPhase(video, *pyramid));
    phase_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%10.3f  %14.4f %7.1f%%  %14.4f %7.1f%%\n", amplitude, lk,
                100 * (lk - amplitude) / amplitude, phase, 100 * (phase - amplitude) / amplitude);
  }
  const double per_frame = 6.0 * frames;
  std::printf("seconds per frame: Lucas-Kanade %.6f, phase %.6f; phase / Lucas-Kanade = %.1f\n",
              lk_seconds / per_frame, phase_seconds / per_frame, phase_seconds / lk_seconds);
  return 0;
}
