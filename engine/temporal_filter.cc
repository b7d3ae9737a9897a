#include "engine/temporal_filter.h"

#include <deque>
#include <vector>

#include <torch/torch.h>

#include "engine/filter_design.h"

namespace vmm::engine {

namespace {

// Zero-phase FIR (the windowed-sinc band-pass or the acceleration filter): holds the last `taps` samples and emits the sample at the
// window's centre, so the output lags by (taps - 1) / 2. The edges repeat the first and last
// sample.
class FirFilter final : public TemporalFilter {
 public:
  explicit FirFilter(std::vector<double> taps) : taps_(std::move(taps)) {}

  std::optional<torch::Tensor> Step(const torch::Tensor& sample) override {
    if (window_.empty()) {
      for (int i = 0; i < delay(); ++i) window_.push_back(sample);
    }
    last_ = sample;
    return Push(sample);
  }

  // With fewer samples than taps the window is not full yet at the end: keep repeating the last
  // sample until it is, so every sample still gets its output.
  std::optional<torch::Tensor> Drain() override {
    while (last_.defined() && drained_ < delay()) {
      ++drained_;
      if (auto output = Push(last_)) return output;
    }
    return std::nullopt;
  }

  int delay() const override { return static_cast<int>(taps_.size() - 1) / 2; }
  int held_tensors() const override { return static_cast<int>(window_.size()); }

 private:
  std::optional<torch::Tensor> Push(const torch::Tensor& sample) {
    window_.push_back(sample);
    if (window_.size() < taps_.size()) return std::nullopt;
    // y = sum_k h[k] x[n - k], newest sample last in the window.
    const size_t count = taps_.size();
    torch::Tensor sum = window_.back() * taps_[0];
    for (size_t k = 1; k < count; ++k) sum.add_(window_[count - 1 - k], taps_[k]);
    window_.pop_front();
    return sum;
  }

  std::vector<double> taps_;
  std::deque<torch::Tensor> window_;
  torch::Tensor last_;
  int drained_ = 0;
};

// Butterworth band-pass as cascaded second-order sections in transposed direct form II,
// applied to the difference from the first sample (the band-pass has no gain at DC).
class ButterworthFilter final : public TemporalFilter {
 public:
  explicit ButterworthFilter(std::vector<Biquad> sections) : sections_(std::move(sections)) {}

  std::optional<torch::Tensor> Step(const torch::Tensor& sample) override {
    if (!first_.defined()) {
      first_ = sample.clone();
      for (size_t i = 0; i < sections_.size(); ++i) {
        state1_.push_back(torch::zeros_like(sample));
        state2_.push_back(torch::zeros_like(sample));
      }
    }
    torch::Tensor x = sample - first_;
    for (size_t i = 0; i < sections_.size(); ++i) {
      const Biquad& s = sections_[i];
      torch::Tensor y = x * s.b0 + state1_[i];
      // z1 = b1 x - a1 y + z2;  z2 = b2 x - a2 y
      state1_[i] = x * s.b1 - y * s.a1 + state2_[i];
      state2_[i] = x * s.b2 - y * s.a2;
      x = y;
    }
    return x;
  }

  std::optional<torch::Tensor> Drain() override { return std::nullopt; }
  int delay() const override { return 0; }
  int held_tensors() const override { return 1 + 2 * static_cast<int>(sections_.size()); }

 private:
  std::vector<Biquad> sections_;
  torch::Tensor first_;
  std::vector<torch::Tensor> state1_;
  std::vector<torch::Tensor> state2_;
};

// Difference of two first-order low-passes (Wadhwa et al. 2013): the one at fh minus the one at
// fl, both starting at the first sample.
class DifferenceOfIirFilter final : public TemporalFilter {
 public:
  DifferenceOfIirFilter(double r_low, double r_high) : r_low_(r_low), r_high_(r_high) {}

  std::optional<torch::Tensor> Step(const torch::Tensor& sample) override {
    if (!low_.defined()) {
      low_ = sample.clone();
      high_ = sample.clone();
    }
    low_.add_(sample - low_, r_low_);
    high_.add_(sample - high_, r_high_);
    return high_ - low_;
  }

  std::optional<torch::Tensor> Drain() override { return std::nullopt; }
  int delay() const override { return 0; }
  int held_tensors() const override { return 2; }

 private:
  double r_low_;
  double r_high_;
  torch::Tensor low_;
  torch::Tensor high_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TemporalFilter>> MakeTemporalFilter(const MagnifyParams& params) {
  if (auto status = ValidateMagnifyParams(params); !status.ok()) return status;
  if (params.sample_rate_hz <= 0) {
    return absl::InvalidArgumentError(
        "the temporal filter needs fs: give --fs, or resolve it with common::WithSampleRate");
  }
  switch (params.filter) {
    case FilterKind::kFir:
      return std::make_unique<FirFilter>(DesignFirBandPass(
          params.taps, params.low_hz, params.high_hz, params.sample_rate_hz));
    case FilterKind::kAcceleration:
      return std::make_unique<FirFilter>(DesignAccelerationFilter(
          params.low_hz, params.high_hz, params.sample_rate_hz, common::kMaxTaps));
    case FilterKind::kButterworth:
      return std::make_unique<ButterworthFilter>(DesignButterworthBandPass(
          params.order, params.low_hz, params.high_hz, params.sample_rate_hz));
    case FilterKind::kDifferenceOfIir:
      return std::make_unique<DifferenceOfIirFilter>(
          FirstOrderLowPassFactor(params.low_hz, params.sample_rate_hz),
          FirstOrderLowPassFactor(params.high_hz, params.sample_rate_hz));
  }
  return absl::InvalidArgumentError("unknown temporal filter");
}

bool IsCausal(FilterKind kind) { return common::IsCausalFilter(kind); }

}  // namespace vmm::engine
