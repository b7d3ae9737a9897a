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
#include "engine/model_loader.h"
#include "common/magnify_params.h"

namespace vmm::pipeline {

// Everything a file-to-file magnification needs besides the two paths and the model.
struct MagnifyFileOptions {
  common::MagnifyParams params;  // fs 0: the input's frame rate
  int batch_size = 4;            // frames per network pass
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
  // Frames handed to the network and not yet back: a batch's size while it runs, else 0
  // (reported as a batch goes in and as it comes out).
  int64_t frames_in_network = 0;
  // In the last report: `finish` ended the reading before the end of the input, so the output
  // holds frames_done frames of a longer input.
  bool stopped_early = false;
};

// Called with progress; runs on the calling thread.
using ProgressCallback = std::function<void(const Progress&)>;

// Magnifies `input` into `output` (format chosen by the output's extension) with `model`, loaded
// once by the caller (engine::LoadModel) on the device it runs on; the caller also sets
// LibTorch's threads (engine::ConfigureThreads) once per process. Stops with
// CANCELLED soon after `*cancel` becomes true (if given), also in the middle of a batch. Once
// `*finish` becomes true (if given) no more frames are read: the frames read so far are
// magnified and the output is completed with them (OK; CANCELLED when no frame had been read).
// On failure no partial output remains.
absl::Status MagnifyFile(const std::string& input, const std::string& output,
                         const engine::LoadedModel& model, const MagnifyFileOptions& options,
                         const ProgressCallback& on_progress,
                         const std::atomic<bool>* cancel = nullptr,
                         const std::atomic<bool>* finish = nullptr);

}  // namespace vmm::pipeline
