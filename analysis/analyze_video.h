// `vmm analyze`: how a video moves, in numbers. Every frame's luma goes through a RegionTracker
// for the regions asked for and for a grid of blocks covering the frame; each region gets its
// displacement waveform, its x and y spectra and their peaks, and the whole frame a spectrum
// averaged over its textured blocks. `vmm analyze` runs it here; a measurement job
// (JobSpec.analysis) on a worker.
//
// Thread-safety: a pure function of its inputs; the progress callback runs on the caller's
// thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/region_tracker.h"
#include "analysis/spectrum.h"
#include "media/video_info.h"

namespace vmm::analysis {

// What to measure.
struct AnalyzeOptions {
  std::vector<Region> regions;  // may be empty: the whole frame only
  double sample_rate_hz = 0;    // fs, the capture rate; 0: the video's frame rate
  int max_peaks = common::kDefaultPeaks;  // per region and for the whole frame
  int64_t max_frames = 0;       // 0: every frame
};

// One region's measurements.
struct RegionAnalysis {
  Region region;
  Track track;                // displacement per frame, pixels
  Spectrum x, y, combined;    // amplitude spectra of dx, dy and of both
  std::vector<Peak> peaks;    // of `combined`
  double noise_floor = 0;     // of `combined`
};

// The analysis of one video.
struct VideoAnalysis {
  int width = 0, height = 0;
  int64_t frames = 0;
  double sample_rate_hz = 0;
  // The whole frame: the mean power over the grid's textured blocks, as an amplitude; its
  // peaks; how many blocks were textured enough to measure.
  Spectrum whole_frame;
  std::vector<Peak> whole_frame_peaks;
  int whole_frame_blocks = 0;
  std::vector<RegionAnalysis> regions;  // in the order asked for
};

// Frames done so far and the container's count (-1 if unknown).
using AnalyzeProgress = std::function<void(int64_t done, int64_t total)>;

// The usage errors CheckAnalyzeOptions finds before any frame is read, for a video described by
// `info`: INVALID_ARGUMENT naming a region outside the frame, too small or named twice, fs
// unknown (the video has no frame rate and none was given) or not positive, max_peaks below 1.
absl::Status CheckAnalyzeOptions(const AnalyzeOptions& options, const media::VideoInfo& info);

// Analyses the video at `path`: CheckAnalyzeOptions' errors; FAILED_PRECONDITION when it has
// fewer than kMinSpectrumSamples frames; the reader's errors for a file that is no video;
// CANCELLED as soon as `stop` (if given) is set, checked before every frame.
absl::StatusOr<VideoAnalysis> AnalyzeVideo(const std::string& path, const AnalyzeOptions& options,
                                           const AnalyzeProgress& progress = nullptr,
                                           const std::atomic<bool>* stop = nullptr);

// The same on frames already decoded (luma), captured at `sample_rate_hz` (> 0).
absl::StatusOr<VideoAnalysis> AnalyzeFrames(const std::vector<LumaImage>& frames,
                                            const AnalyzeOptions& options, double sample_rate_hz);

}  // namespace vmm::analysis
