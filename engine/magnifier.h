// Streaming motion magnification of a video by the learned method (the FrameMagnifier of
// MagnifyParams::Method::kLearned). Each frame is encoded once and its encoding reused; frames
// go through the network in batches. Memory is bounded: the reference encoding, the previous
// encoding (dynamic), the filter state (IIR) or `taps` encodings (FIR).
//
// Frames are uint8 RGB tensors [N, H, W, 3] on the CPU, any H and W (padded by reflection to a
// multiple of 4 inside and cropped back). Output frames have the input's size.
//
// Thread-safety: one Magnifier per video; not safe for concurrent calls.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "engine/frame_magnifier.h"
#include "engine/network.h"
#include "engine/temporal_filter.h"

namespace vmm::engine {

// Runs a loaded network over a video according to MagnifyParams.
class Magnifier : public FrameMagnifier {
 public:
  // `net` must be in eval mode on `device`; it is shared, not copied. Fails on invalid params.
  static absl::StatusOr<std::unique_ptr<Magnifier>> Create(MagnificationNet net,
                                                           const MagnifyParams& params,
                                                           torch::Device device);
  ~Magnifier() override;

  // Static mode: sets the reference frame ([H, W, 3] or [1, H, W, 3] uint8) before the first
  // Push, so nothing is buffered. Without it, the reference is frame `reference_frame` of the
  // stream, and frames before it are held until it arrives.
  absl::Status SetReference(const torch::Tensor& frame) override;

  // Adds frames [N, H, W, 3] uint8; returns the magnified frames that are ready ([M, H, W, 3]
  // uint8, M may be 0 while a zero-phase filter fills up). Every frame must have the first
  // frame's size.
  absl::StatusOr<torch::Tensor> Push(const torch::Tensor& frames) override;

  // Ends the video: returns the frames still held back (FIR delay), then resets nothing else.
  absl::StatusOr<torch::Tensor> Flush() override;

  // Makes Push and Flush give up with CANCELLED soon after `*cancel` becomes true, within a batch
  // too (checked between the decoder's blocks). `cancel` must outlive the magnifier; once it has
  // answered CANCELLED the magnifier's state is undefined and it must not be used again.
  void SetCancelFlag(const std::atomic<bool>* cancel) override;

  // Number of input frames whose output is still held back.
  int64_t pending() const override;

  const StageTimes& stage_times() const override;

 private:
  class Impl;
  explicit Magnifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vmm::engine
