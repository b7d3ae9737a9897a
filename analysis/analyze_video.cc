#include "analysis/analyze_video.h"

#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "media/video_reader.h"

namespace vmm::analysis {
namespace {

// The whole frame is measured on a grid of at most kGrid x kGrid blocks, each at least
// kMinBlock pixels a side and kept kBlockMargin pixels from the frame's edges.
constexpr int kGrid = 4;
constexpr int kMinBlock = 16;
constexpr int kBlockMargin = 4;

std::vector<Region> GridBlocks(int width, int height) {
  std::vector<Region> blocks;
  const int inner_width = width - 2 * kBlockMargin, inner_height = height - 2 * kBlockMargin;
  const int columns = std::min(kGrid, inner_width / kMinBlock);
  const int rows = std::min(kGrid, inner_height / kMinBlock);
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns; ++column) {
      Region block;
      block.name = absl::StrCat("block ", row, ",", column);
      block.x = kBlockMargin + column * inner_width / columns;
      block.y = kBlockMargin + row * inner_height / rows;
      block.width = inner_width / columns;
      block.height = inner_height / rows;
      blocks.push_back(block);
    }
  }
  return blocks;
}

// Sets `region`'s x, y and combined spectra from its track.
absl::Status FillSpectra(double sample_rate_hz, RegionAnalysis& region) {
  absl::StatusOr<Spectrum> x = AmplitudeSpectrum(region.track.dx, sample_rate_hz);
  if (!x.ok()) return x.status();
  absl::StatusOr<Spectrum> y = AmplitudeSpectrum(region.track.dy, sample_rate_hz);
  if (!y.ok()) return y.status();
  region.x = *std::move(x);
  region.y = *std::move(y);
  region.combined = Combine(region.x, region.y);
  return absl::OkStatus();
}

// Incremental analysis: frames in, VideoAnalysis out.
class Analyzer {
 public:
  static absl::StatusOr<Analyzer> Create(int width, int height, const AnalyzeOptions& options) {
    absl::StatusOr<RegionTracker> regions = RegionTracker::Create(width, height, options.regions);
    if (!regions.ok()) return regions.status();
    absl::StatusOr<RegionTracker> blocks =
        RegionTracker::Create(width, height, GridBlocks(width, height));
    if (!blocks.ok()) return blocks.status();
    return Analyzer(width, height, options, *std::move(regions), *std::move(blocks));
  }

  absl::Status Add(const LumaImage& frame) {
    if (absl::Status added = regions_.Add(frame); !added.ok()) return added;
    ++frames_;
    return blocks_.Add(frame);
  }

  absl::StatusOr<VideoAnalysis> Finish(double sample_rate_hz) const {
    VideoAnalysis analysis;
    analysis.width = width_;
    analysis.height = height_;
    analysis.frames = frames_;
    analysis.sample_rate_hz = sample_rate_hz;
    for (size_t r = 0; r < regions_.regions().size(); ++r) {
      RegionAnalysis region;
      region.region = regions_.regions()[r];
      region.track = regions_.tracks()[r];
      if (absl::Status done = FillSpectra(sample_rate_hz, region); !done.ok()) return done;
      region.noise_floor = NoiseFloor(region.combined);
      region.peaks = FindPeaks(region.combined, options_.max_peaks);
      analysis.regions.push_back(std::move(region));
    }
    // The whole frame: mean power over the textured blocks (a flat block measures nothing).
    std::vector<double> power;
    for (size_t b = 0; b < blocks_.tracks().size(); ++b) {
      RegionAnalysis block;
      block.track = blocks_.tracks()[b];
      if (!block.track.textured) continue;
      if (absl::Status done = FillSpectra(sample_rate_hz, block); !done.ok()) return done;
      const Spectrum& both = block.combined;
      power.resize(both.amplitude.size(), 0);
      for (size_t k = 0; k < power.size(); ++k) power[k] += both.amplitude[k] * both.amplitude[k];
      analysis.whole_frame.bin_hz = both.bin_hz;
      analysis.whole_frame.lobe_gain = both.lobe_gain;
      ++analysis.whole_frame_blocks;
    }
    for (double& p : power) p = std::sqrt(p / std::max(1, analysis.whole_frame_blocks));
    analysis.whole_frame.amplitude = std::move(power);
    if (analysis.whole_frame.bin_hz == 0) analysis.whole_frame.bin_hz = sample_rate_hz / frames_;
    analysis.whole_frame_peaks = FindPeaks(analysis.whole_frame, options_.max_peaks);
    return analysis;
  }

 private:
  Analyzer(int width, int height, AnalyzeOptions options, RegionTracker regions,
           RegionTracker blocks)
      : width_(width),
        height_(height),
        options_(std::move(options)),
        regions_(std::move(regions)),
        blocks_(std::move(blocks)) {}

  int width_, height_;
  AnalyzeOptions options_;
  RegionTracker regions_, blocks_;
  int64_t frames_ = 0;
};

}  // namespace

absl::StatusOr<VideoAnalysis> AnalyzeFrames(const std::vector<LumaImage>& frames,
                                            const AnalyzeOptions& options, double sample_rate_hz) {
  if (frames.empty()) return absl::InvalidArgumentError("no frames to analyse");
  absl::StatusOr<Analyzer> analyzer =
      Analyzer::Create(frames.front().width, frames.front().height, options);
  if (!analyzer.ok()) return analyzer.status();
  for (const LumaImage& frame : frames) {
    if (absl::Status added = analyzer->Add(frame); !added.ok()) return added;
  }
  return analyzer->Finish(sample_rate_hz);
}

absl::Status CheckAnalyzeOptions(const AnalyzeOptions& options, const media::VideoInfo& info) {
  if (options.sample_rate_hz != 0 &&
      !(options.sample_rate_hz > 0 && std::isfinite(options.sample_rate_hz))) {
    return absl::InvalidArgumentError(
        absl::StrCat("--fs must be above 0 Hz, got ", options.sample_rate_hz));
  }
  if (options.sample_rate_hz == 0 && !(info.fps() > 0 && std::isfinite(info.fps()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the video has no usable frame rate (", info.fps(), "); give --fs, the capture rate"));
  }
  if (options.max_frames < 0 ||
      (options.max_frames > 0 && options.max_frames < kMinSpectrumSamples)) {
    return absl::InvalidArgumentError(absl::StrCat("--frames must be 0 (all) or at least ",
                                                   kMinSpectrumSamples, ", got ",
                                                   options.max_frames));
  }
  if (options.max_peaks < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--peaks must be 1 or more, got ", options.max_peaks));
  }
  return RegionTracker::Create(info.width, info.height, options.regions).status();
}

absl::StatusOr<VideoAnalysis> AnalyzeVideo(const std::string& path, const AnalyzeOptions& options,
                                           const AnalyzeProgress& progress,
                                           const std::atomic<bool>* stop) {
  absl::StatusOr<std::unique_ptr<media::VideoReader>> reader = media::VideoReader::Open(path);
  if (!reader.ok()) return reader.status();
  const media::VideoInfo info = (*reader)->info();
  if (absl::Status usable = CheckAnalyzeOptions(options, info); !usable.ok()) return usable;
  const double sample_rate_hz =
      options.sample_rate_hz != 0 ? options.sample_rate_hz : info.fps();
  absl::StatusOr<Analyzer> analyzer = Analyzer::Create(info.width, info.height, options);
  if (!analyzer.ok()) return analyzer.status();
  media::Frame frame;
  int64_t done = 0;
  while (options.max_frames <= 0 || done < options.max_frames) {
    if (stop != nullptr && stop->load()) {
      return absl::CancelledError(absl::StrCat("stopped after ", done, " frames"));
    }
    absl::StatusOr<bool> more = (*reader)->Read(&frame);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (absl::Status added = analyzer->Add(LumaOf(frame.width, frame.height, frame.rgb));
        !added.ok()) {
      return added;
    }
    ++done;
    if (progress) progress(done, info.frame_count);
  }
  if (done < kMinSpectrumSamples) {
    return absl::FailedPreconditionError(absl::StrCat("'", path, "' has ", done,
                                                   " frames; a spectrum needs at least ",
                                                   kMinSpectrumSamples));
  }
  return analyzer->Finish(sample_rate_hz);
}

}  // namespace vmm::analysis
