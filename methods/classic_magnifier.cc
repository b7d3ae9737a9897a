#include "methods/classic_magnifier.h"

#include <deque>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "engine/frame_tensors.h"
#include "engine/stage_timer.h"
#include "engine/temporal_filter.h"
#include "methods/motion_signal.h"

namespace vmm::methods {
namespace {

namespace F = torch::nn::functional;

// Frame sides are padded to a multiple of this, so that the pyramid's levels fit.
constexpr int64_t kSizeMultiple = 16;

int64_t Padded(int64_t size) { return (size + kSizeMultiple - 1) / kSizeMultiple * kSizeMultiple; }


// Row `index` of every tensor of `analysis`.
SignalAnalysis Row(const SignalAnalysis& analysis, int64_t index) {
  SignalAnalysis row{analysis.signal.narrow(0, index, 1), {}};
  for (const torch::Tensor& part : analysis.carry) row.carry.push_back(part.narrow(0, index, 1));
  return row;
}

// `rows` stacked into one batch.
SignalAnalysis Stack(const std::vector<SignalAnalysis>& rows) {
  SignalAnalysis batch;
  std::vector<torch::Tensor> signals;
  for (const SignalAnalysis& row : rows) signals.push_back(row.signal);
  batch.signal = torch::cat(signals);
  for (size_t part = 0; part < rows.front().carry.size(); ++part) {
    std::vector<torch::Tensor> parts;
    for (const SignalAnalysis& row : rows) parts.push_back(row.carry[part]);
    batch.carry.push_back(torch::cat(parts));
  }
  return batch;
}

class ClassicMagnifier : public engine::FrameMagnifier {
 public:
  ClassicMagnifier(common::MagnifyParams params, std::unique_ptr<engine::TemporalFilter> filter)
      : params_(params), filter_(std::move(filter)) {}

  absl::Status SetReference(const torch::Tensor& frame) override {
    torch::Tensor frames = frame.dim() == 3 ? frame.unsqueeze(0) : frame;
    if (absl::Status status = Check(frames); !status.ok()) return status;
    return Guarded([&] {
      reference_ = Analyse(frames.narrow(0, 0, 1)).signal;
      return EmptyOutput();
    }).status();
  }

  absl::StatusOr<torch::Tensor> Push(const torch::Tensor& frames) override {
    if (absl::Status status = Check(frames); !status.ok()) return status;
    if (frames.size(0) == 0) return EmptyOutput();
    return Guarded([&] {
      switch (params_.mode) {
        case common::Mode::kStatic:
          return PushStatic(frames);
        case common::Mode::kDynamic:
          return PushDynamic(frames);
        case common::Mode::kTemporal:
          break;
      }
      return PushTemporal(frames);
    });
  }

  absl::StatusOr<torch::Tensor> Flush() override {
    return Guarded([&] {
      if (params_.mode == common::Mode::kStatic && !held_.empty()) {
        // The video ended before the reference frame: use the last frame seen.
        torch::Tensor held = torch::cat(held_);
        held_.clear();
        reference_ = Analyse(held.narrow(0, held.size(0) - 1, 1)).signal;
        return PushStatic(held);
      }
      if (params_.mode == common::Mode::kTemporal) {
        std::vector<torch::Tensor> ready;
        while (auto filtered = filter_->Drain()) ready.push_back(*filtered);
        return RenderDelayed(ready);
      }
      return EmptyOutput();
    });
  }

  void SetCancelFlag(const std::atomic<bool>* cancel) override { cancel_ = cancel; }

  int64_t pending() const override {
    int64_t held = 0;
    for (const torch::Tensor& frames : held_) held += frames.size(0);
    return held + static_cast<int64_t>(delayed_.size());
  }

  const engine::StageTimes& stage_times() const override { return times_; }

 private:
  struct Cancelled {};

  // Runs `work`, turning LibTorch errors and a cancel into statuses.
  template <typename Work>
  absl::StatusOr<torch::Tensor> Guarded(Work&& work) {
    c10::InferenceMode inference;
    try {
      return work();
    } catch (const c10::Error& error) {
      return absl::InternalError(
          absl::StrCat("magnification failed: ", error.what_without_backtrace()));
    } catch (const Cancelled&) {
      return absl::CancelledError("magnification cancelled");
    }
  }

  absl::Status Check(const torch::Tensor& frames) {
    if (frames.scalar_type() != torch::kUInt8 || frames.dim() != 4 || frames.size(3) != 3) {
      return absl::InvalidArgumentError("frames must be uint8 [N, H, W, 3]");
    }
    if (height_ == 0) {
      const int64_t height = frames.size(1), width = frames.size(2);
      if (height < 2 || width < 2) {
        return absl::InvalidArgumentError(
            absl::StrCat("frames must be at least 2x2, got ", width, "x", height));
      }
      absl::StatusOr<std::unique_ptr<MotionSignal>> signal =
          MakeMotionSignal(params_, Padded(height), Padded(width));
      if (!signal.ok()) return signal.status();
      signal_ = *std::move(signal);
      height_ = height;  // only once the frames can be magnified
      width_ = width;
    } else if (frames.size(1) != height_ || frames.size(2) != width_) {
      return absl::InvalidArgumentError(absl::StrCat("frame size changed from ", width_, "x",
                                                     height_, " to ", frames.size(2), "x",
                                                     frames.size(1)));
    }
    return absl::OkStatus();
  }

  void ThrowIfCancelled() const {
    if (cancel_ != nullptr && cancel_->load()) throw Cancelled{};
  }

  torch::Tensor EmptyOutput() const {
    return torch::empty({0, height_, width_, 3}, torch::kUInt8);
  }

  SignalAnalysis Analyse(const torch::Tensor& frames) {
    ThrowIfCancelled();
    torch::Tensor input;
    {
      engine::StageTimer timer(&times_.conversion);
      input = frames.to(torch::kFloat).permute({0, 3, 1, 2}).div(127.5).sub(1);
      const int64_t pad_bottom = Padded(height_) - height_, pad_right = Padded(width_) - width_;
      if (pad_bottom > 0 || pad_right > 0) {
        // Reflection needs the pad below the side; replicate covers tiny frames.
        const auto mode = pad_bottom < height_ && pad_right < width_
                              ? F::PadFuncOptions::mode_t(torch::kReflect)
                              : F::PadFuncOptions::mode_t(torch::kReplicate);
        input = F::pad(input, F::PadFuncOptions({0, pad_right, 0, pad_bottom}).mode(mode));
      }
      input = input.contiguous();
    }
    engine::StageTimer timer(&times_.encoder);
    return signal_->Analyse(input);
  }

  // The frames of `analysis` with their signals changed by `difference` x (alpha - 1).
  torch::Tensor Render(const SignalAnalysis& analysis, const torch::Tensor& difference) {
    ThrowIfCancelled();
    torch::Tensor rendered;
    {
      engine::StageTimer timer(&times_.decoder);
      rendered = signal_->Render(analysis, difference * (params_.alpha - 1));
    }
    engine::StageTimer timer(&times_.conversion);
    return engine::NetworkOutputToFrames(rendered, height_, width_);
  }

  torch::Tensor PushStatic(const torch::Tensor& frames) {
    if (!reference_.defined()) {
      frames_seen_ += frames.size(0);
      if (params_.reference_frame >= frames_seen_) {
        held_.push_back(frames.clone());
        return EmptyOutput();
      }
      held_.push_back(frames);
      torch::Tensor all = torch::cat(held_);
      held_.clear();
      const int64_t index = params_.reference_frame - (frames_seen_ - all.size(0));
      reference_ = Analyse(all.narrow(0, index, 1)).signal;
      return PushStatic(all);
    }
    const SignalAnalysis analysis = Analyse(frames);
    torch::Tensor difference;
    {
      engine::StageTimer timer(&times_.manipulator);
      difference = signal_->Difference(analysis.signal, reference_);
    }
    return Render(analysis, difference);
  }

  torch::Tensor PushDynamic(const torch::Tensor& frames) {
    const SignalAnalysis analysis = Analyse(frames);
    const int64_t count = frames.size(0);
    torch::Tensor difference;
    {
      engine::StageTimer timer(&times_.manipulator);
      const torch::Tensor first = previous_.defined() ? previous_ : analysis.signal.narrow(0, 0, 1);
      const torch::Tensor previous =
          count == 1 ? first : torch::cat({first, analysis.signal.narrow(0, 0, count - 1)});
      previous_ = analysis.signal.narrow(0, count - 1, 1).clone();
      difference = signal_->Difference(analysis.signal, previous);
    }
    return Render(analysis, difference);
  }

  // The filter sees each frame's signal relative to the first frame's (phases wrapped), so that
  // it filters motion, not where the phases happen to wrap.
  torch::Tensor PushTemporal(const torch::Tensor& frames) {
    const SignalAnalysis analysis = Analyse(frames);
    std::vector<torch::Tensor> ready;
    engine::StageTimer timer(&times_.manipulator);
    if (!anchor_.defined()) anchor_ = analysis.signal.narrow(0, 0, 1).clone();
    for (int64_t i = 0; i < frames.size(0); ++i) {
      delayed_.push_back(Row(analysis, i));
      const torch::Tensor sample = signal_->Difference(analysis.signal.narrow(0, i, 1), anchor_);
      if (auto filtered = filter_->Step(sample)) ready.push_back(*filtered);
    }
    return RenderDelayed(ready);
  }

  // Renders the oldest delayed frames with their filtered signals.
  torch::Tensor RenderDelayed(const std::vector<torch::Tensor>& filtered) {
    if (filtered.empty()) return EmptyOutput();
    std::vector<SignalAnalysis> rows;
    for (size_t i = 0; i < filtered.size(); ++i) {
      rows.push_back(std::move(delayed_.front()));
      delayed_.pop_front();
    }
    return Render(Stack(rows), torch::cat(filtered));
  }

  common::MagnifyParams params_;
  std::unique_ptr<engine::TemporalFilter> filter_;
  std::unique_ptr<MotionSignal> signal_;  // made at the first frame, for its size
  int64_t height_ = 0;
  int64_t width_ = 0;
  int64_t frames_seen_ = 0;
  torch::Tensor reference_;  // static: the reference frame's signal
  torch::Tensor previous_;   // dynamic: the previous frame's signal
  torch::Tensor anchor_;     // temporal: the first frame's signal
  std::vector<torch::Tensor> held_;
  std::deque<SignalAnalysis> delayed_;  // temporal: frames waiting for their filtered signal
  engine::StageTimes times_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> MakeClassicMagnifier(
    const common::MagnifyParams& params) {
  if (absl::Status status = common::ValidateMagnifyParams(params); !status.ok()) return status;
  if (params.method == common::Method::kLearned) {
    return absl::InvalidArgumentError("the learned method runs on engine::Magnifier");
  }
  std::unique_ptr<engine::TemporalFilter> filter;
  if (params.mode == common::Mode::kTemporal) {
    absl::StatusOr<std::unique_ptr<engine::TemporalFilter>> made =
        engine::MakeTemporalFilter(params);
    if (!made.ok()) return made.status();
    filter = *std::move(made);
  }
  return std::unique_ptr<engine::FrameMagnifier>(new ClassicMagnifier(params, std::move(filter)));
}

}  // namespace vmm::methods
