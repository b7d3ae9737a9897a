// The streaming interface of every magnification method: frames go in (in order, any number at
// a time), magnified frames come out in the same order. The learned method (engine/magnifier.h)
// and the classic ones (methods/classic_magnifier.h) implement it; the pipeline picks one by
// MagnifyParams::method (pipeline/frame_magnifier_factory.h).
//
// Frames are uint8 RGB tensors [N, H, W, 3] on the CPU. Output frames have the input's size.
//
// Thread-safety: one FrameMagnifier per video; not safe for concurrent calls.
#pragma once

#include <atomic>
#include <cstdint>

#include <torch/types.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vmm::engine {

// Per-stage wall time spent so far, in seconds. For the classic methods the encoder is the
// analysis (pyramid), the manipulator the change of the motion signal, the decoder the
// synthesis.
struct StageTimes {
  double encoder = 0;
  double manipulator = 0;
  double decoder = 0;
  double conversion = 0;  // uint8 <-> float, padding, device copies
};

// Magnifies the motion of a video, frame batch by frame batch.
class FrameMagnifier {
 public:
  virtual ~FrameMagnifier() = default;

  // Static mode: sets the reference frame ([H, W, 3] or [1, H, W, 3] uint8) before the first
  // Push, so nothing is buffered. Without it, the reference is frame `reference_frame` of the
  // stream, and frames before it are held until it arrives.
  virtual absl::Status SetReference(const torch::Tensor& frame) = 0;

  // Adds frames [N, H, W, 3] uint8; returns the magnified frames that are ready ([M, H, W, 3]
  // uint8, M may be 0 while a zero-phase filter fills up). Every frame must have the first
  // frame's size.
  virtual absl::StatusOr<torch::Tensor> Push(const torch::Tensor& frames) = 0;

  // Ends the video: returns the frames still held back (FIR delay).
  virtual absl::StatusOr<torch::Tensor> Flush() = 0;

  // Makes Push and Flush give up with CANCELLED soon after `*cancel` becomes true. `cancel` must
  // outlive the magnifier; once it has answered CANCELLED it must not be used again.
  virtual void SetCancelFlag(const std::atomic<bool>* cancel) = 0;

  // Number of input frames whose output is still held back.
  virtual int64_t pending() const = 0;

  virtual const StageTimes& stage_times() const = 0;
};

}  // namespace vmm::engine
