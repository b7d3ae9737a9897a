// Magnifies a whole video file into another: decode (media), magnify (engine), encode (media),
// with progress and cancellation. The one implementation behind `vmm magnify` and the worker, so
// a job run by the service gives the same bytes as the local command.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "engine/magnifier.h"
#include "engine/magnify_params.h"

namespace vmm::pipeline {

// Everything a file-to-file magnification needs besides the two paths.
struct MagnifyFileOptions {
  engine::MagnifyParams params;
  std::string model_path;        // empty: the committed default model
  std::string device = "auto";   // "auto" (CUDA when available), "cpu", "cuda", "cuda:N"
  int batch_size = 4;            // frames per network pass
  int threads = 0;               // CPU threads for LibTorch; 0 keeps LibTorch's default
  int crf = 18;                  // H.264 quality for .mp4 outputs (0 best .. 51 worst)
};

// Progress of one magnification, reported at most a few times a second and once at the end.
struct Progress {
  int64_t frames_done = 0;
  int64_t frames_total = -1;     // -1 when the container does not say
  double frames_per_second = 0;
  double eta_seconds = -1;       // -1 when unknown
  engine::StageTimes stage_times;  // network stages, cumulative seconds
  double decode_seconds = 0;       // reading and decoding input frames, cumulative
  double encode_seconds = 0;       // encoding and writing output frames, cumulative
};

// Called with progress; runs on the calling thread.
using ProgressCallback = std::function<void(const Progress&)>;

// Magnifies `input` into `output` (format chosen by the output's extension). Stops with
// CANCELLED soon after `*cancel` becomes true (if given), also in the middle of a batch. On
// failure no partial output remains.
absl::Status MagnifyFile(const std::string& input, const std::string& output,
                         const MagnifyFileOptions& options, const ProgressCallback& on_progress,
                         const std::atomic<bool>* cancel = nullptr);

}  // namespace vmm::pipeline
