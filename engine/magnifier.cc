#include "engine/magnifier.h"

#include <deque>
#include <algorithm>
#include <vector>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "engine/chroma_limit.h"
#include "engine/frame_tensors.h"
#include "engine/stage_timer.h"
#include "engine/temporal_filter.h"

namespace vmm::engine {

namespace {


absl::Status CheckFrames(const torch::Tensor& frames) {
  if (frames.scalar_type() != torch::kUInt8 || frames.dim() != 4 || frames.size(3) != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frames must be uint8 [N, H, W, 3], got ", frames.dim(), " dimensions of ",
        std::string(c10::toString(frames.scalar_type()))));
  }
  return absl::OkStatus();
}

}  // namespace

class Magnifier::Impl {
 public:
  Impl(MagnificationNet net, MagnifyParams params, torch::Device device,
       std::unique_ptr<TemporalFilter> filter)
      : net_(std::move(net)),
        params_(params),
        device_(device),
        filter_(std::move(filter)),
        alpha_(torch::tensor(static_cast<float>(params.alpha), torch::device(device))) {}

  absl::Status SetReference(const torch::Tensor& frame) {
    torch::Tensor frames = frame.dim() == 3 ? frame.unsqueeze(0) : frame;
    if (auto status = CheckFrames(frames); !status.ok()) return status;
    if (auto status = CheckSize(frames); !status.ok()) return status;
    c10::InferenceMode inference;
    StageTimer timer(&times_.encoder);
    reference_shape_ = net_->encoder->forward(ToInput(frames.narrow(0, 0, 1))).shape;
    return absl::OkStatus();
  }

  absl::StatusOr<torch::Tensor> Push(const torch::Tensor& frames) {
    if (auto status = CheckFrames(frames); !status.ok()) return status;
    if (auto status = CheckSize(frames); !status.ok()) return status;
    if (frames.size(0) == 0) return EmptyOutput();
    c10::InferenceMode inference;
    try {
      switch (params_.mode) {
        case Mode::kStatic: return PushStatic(frames);
        case Mode::kDynamic: return PushDynamic(frames);
        case Mode::kTemporal: return PushTemporal(frames);
      }
    } catch (const c10::Error& error) {
      return absl::InternalError(absl::StrCat("magnification failed: ", error.what_without_backtrace()));
    } catch (const Cancelled&) {
      return absl::CancelledError("magnification cancelled");
    }
    return absl::InternalError("unknown mode");
  }

  absl::StatusOr<torch::Tensor> Flush() {
    c10::InferenceMode inference;
    try {
      if (params_.mode == Mode::kStatic && !held_frames_.empty()) {
        // The video ended before the reference frame: use the last frame seen.
        torch::Tensor held = torch::cat(held_frames_);
        held_frames_.clear();
        SetReferenceFromEncoding(held.narrow(0, held.size(0) - 1, 1));
        return PushStatic(held);
      }
      if (params_.mode == Mode::kTemporal) {
        std::vector<torch::Tensor> ready;
        while (auto filtered = filter_->Drain()) ready.push_back(*filtered);
        return DecodeDelayed(ready);
      }
    } catch (const c10::Error& error) {
      return absl::InternalError(absl::StrCat("magnification failed: ", error.what_without_backtrace()));
    } catch (const Cancelled&) {
      return absl::CancelledError("magnification cancelled");
    }
    return EmptyOutput();
  }

  int64_t pending() const {
    int64_t held = 0;
    for (const auto& frames : held_frames_) held += frames.size(0);
    return held + static_cast<int64_t>(delayed_.size());
  }

  const StageTimes& stage_times() const { return times_; }

  void SetCancelFlag(const std::atomic<bool>* cancel) { cancel_ = cancel; }

 private:
  // Thrown inside Impl when the cancel flag stops the work; Push and Flush answer CANCELLED.
  struct Cancelled {};

  absl::Status CheckSize(const torch::Tensor& frames) {
    if (height_ == 0) {
      height_ = frames.size(1);
      width_ = frames.size(2);
      if (height_ < 2 || width_ < 2) {
        return absl::InvalidArgumentError(
            absl::StrCat("frames must be at least 2x2, got ", width_, "x", height_));
      }
    } else if (frames.size(1) != height_ || frames.size(2) != width_) {
      return absl::InvalidArgumentError(absl::StrCat("frame size changed from ", width_, "x",
                                                     height_, " to ", frames.size(2), "x",
                                                     frames.size(1)));
    }
    return absl::OkStatus();
  }

  torch::Tensor EmptyOutput() const {
    return torch::empty({0, height_, width_, 3}, torch::kUInt8);
  }

  torch::Tensor ToInput(const torch::Tensor& frames) {
    StageTimer timer(&times_.conversion);
    return FramesToNetworkInput(frames, device_);
  }

  torch::Tensor ToFrames(const torch::Tensor& output) {
    StageTimer timer(&times_.conversion);
    return NetworkOutputToFrames(output, height_, width_);
  }

  // With a cancel flag set, a batch is encoded kEncodeChunk frames at a time, the flag checked
  // between chunks, so that a stop takes effect within a few frames' encoding even in a large
  // batch (the decoder checks it between its blocks).
  static constexpr int64_t kEncodeChunk = 4;

  Encoding Encode(const torch::Tensor& frames) {
    ThrowIfCancelled();
    torch::Tensor input = ToInput(frames);
    StageTimer timer(&times_.encoder);
    if (cancel_ == nullptr || input.size(0) <= kEncodeChunk) return net_->encoder->forward(input);
    std::vector<torch::Tensor> textures, shapes;
    for (int64_t first = 0; first < input.size(0); first += kEncodeChunk) {
      ThrowIfCancelled();
      const int64_t count = std::min(kEncodeChunk, input.size(0) - first);
      Encoding part = net_->encoder->forward(input.narrow(0, first, count));
      textures.push_back(part.texture);
      shapes.push_back(part.shape);
    }
    Encoding encoding;
    encoding.texture = torch::cat(textures);
    encoding.shape = torch::cat(shapes);
    return encoding;
  }

  void ThrowIfCancelled() const {
    if (cancel_ != nullptr && cancel_->load()) throw Cancelled{};
  }

  torch::Tensor Manipulate(const torch::Tensor& motion, const torch::Tensor& base) {
    ThrowIfCancelled();
    StageTimer timer(&times_.manipulator);
    return net_->manipulator->forward(motion, base, alpha_);
  }

  // Decodes the magnified frames of `inputs` (uint8, the frames their textures came from).
  torch::Tensor Decode(const torch::Tensor& texture, const torch::Tensor& shape,
                       const torch::Tensor& inputs) {
    torch::Tensor output;
    {
      StageTimer timer(&times_.decoder);
      output = net_->decoder->forward(texture, shape, cancel_);
    }
    if (!output.defined()) throw Cancelled{};
    torch::Tensor frames = ToFrames(output);
    if (!params_.limit_chroma) return frames;
    StageTimer timer(&times_.conversion);
    return LimitChromaToNeighbourhood(frames, inputs);
  }

  void SetReferenceFromEncoding(const torch::Tensor& frame) {
    reference_shape_ = Encode(frame).shape;
  }

  torch::Tensor PushStatic(const torch::Tensor& frames) {
    if (!reference_shape_.defined()) {
      frames_seen_ += frames.size(0);
      if (params_.reference_frame >= frames_seen_) {
        held_frames_.push_back(frames.clone());
        return EmptyOutput();
      }
      held_frames_.push_back(frames);
      torch::Tensor all = torch::cat(held_frames_);
      held_frames_.clear();
      const int64_t reference_index = params_.reference_frame - (frames_seen_ - all.size(0));
      SetReferenceFromEncoding(all.narrow(0, reference_index, 1));
      return PushStatic(all);
    }
    Encoding encoding = Encode(frames);
    torch::Tensor shape = Manipulate(encoding.shape - reference_shape_, encoding.shape);
    return Decode(encoding.texture, shape, frames);
  }

  torch::Tensor PushDynamic(const torch::Tensor& frames) {
    Encoding encoding = Encode(frames);
    const int64_t count = frames.size(0);
    torch::Tensor previous_first =
        previous_shape_.defined() ? previous_shape_ : encoding.shape.narrow(0, 0, 1);
    torch::Tensor previous =
        count == 1 ? previous_first
                   : torch::cat({previous_first, encoding.shape.narrow(0, 0, count - 1)});
    previous_shape_ = encoding.shape.narrow(0, count - 1, 1).clone();
    torch::Tensor shape = Manipulate(encoding.shape - previous, encoding.shape);
    return Decode(encoding.texture, shape, frames);
  }

  torch::Tensor PushTemporal(const torch::Tensor& frames) {
    Encoding encoding = Encode(frames);
    std::vector<torch::Tensor> ready;
    for (int64_t i = 0; i < frames.size(0); ++i) {
      delayed_.push_back({{encoding.texture.narrow(0, i, 1), encoding.shape.narrow(0, i, 1)},
                          frames.narrow(0, i, 1).clone()});
      if (auto filtered = filter_->Step(encoding.shape.narrow(0, i, 1))) ready.push_back(*filtered);
    }
    return DecodeDelayed(ready);
  }

  // Decodes the oldest delayed encodings with their filtered shape signals.
  torch::Tensor DecodeDelayed(const std::vector<torch::Tensor>& filtered) {
    if (filtered.empty()) return EmptyOutput();
    std::vector<torch::Tensor> textures, shapes, inputs;
    for (size_t i = 0; i < filtered.size(); ++i) {
      textures.push_back(delayed_.front().encoding.texture);
      shapes.push_back(delayed_.front().encoding.shape);
      inputs.push_back(delayed_.front().frame);
      delayed_.pop_front();
    }
    torch::Tensor shape = Manipulate(torch::cat(filtered), torch::cat(shapes));
    return Decode(torch::cat(textures), shape, torch::cat(inputs));
  }

  MagnificationNet net_;
  MagnifyParams params_;
  torch::Device device_;
  std::unique_ptr<TemporalFilter> filter_;
  torch::Tensor alpha_;
  int64_t height_ = 0;
  int64_t width_ = 0;
  int64_t frames_seen_ = 0;
  torch::Tensor reference_shape_;
  std::vector<torch::Tensor> held_frames_;
  torch::Tensor previous_shape_;
  // Temporal mode: a frame waiting for its filtered shape signal.
  struct DelayedFrame {
    Encoding encoding;
    torch::Tensor frame;  // uint8 [1, H, W, 3], for the chroma limit
  };
  std::deque<DelayedFrame> delayed_;
  StageTimes times_;
  const std::atomic<bool>* cancel_ = nullptr;
};

absl::StatusOr<std::unique_ptr<Magnifier>> Magnifier::Create(MagnificationNet net,
                                                             const MagnifyParams& params,
                                                             torch::Device device) {
  if (auto status = ValidateMagnifyParams(params); !status.ok()) return status;
  std::unique_ptr<TemporalFilter> filter;
  if (params.mode == Mode::kTemporal) {
    auto made = MakeTemporalFilter(params);
    if (!made.ok()) return made.status();
    filter = *std::move(made);
  }
  return std::unique_ptr<Magnifier>(
      new Magnifier(std::make_unique<Impl>(std::move(net), params, device, std::move(filter))));
}

Magnifier::Magnifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Magnifier::~Magnifier() = default;

absl::Status Magnifier::SetReference(const torch::Tensor& frame) {
  return impl_->SetReference(frame);
}
absl::StatusOr<torch::Tensor> Magnifier::Push(const torch::Tensor& frames) {
  return impl_->Push(frames);
}
absl::StatusOr<torch::Tensor> Magnifier::Flush() { return impl_->Flush(); }
void Magnifier::SetCancelFlag(const std::atomic<bool>* cancel) { impl_->SetCancelFlag(cancel); }
int64_t Magnifier::pending() const { return impl_->pending(); }
const StageTimes& Magnifier::stage_times() const { return impl_->stage_times(); }

}  // namespace vmm::engine
