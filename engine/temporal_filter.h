// Band-pass filters over time, applied pixel by pixel to a sequence of tensors (the shape
// representations of successive frames). Each filter starts as if the signal had always been
// its first sample, so a still video gives zero output from the first frame on.
//
// Thread-safety: one filter per video; not safe for concurrent calls.
#pragma once

#include <memory>
#include <optional>

#include <torch/types.h>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"

namespace vmm::engine {

// The engine runs the shared parameter contract's types (common/magnify_params.h).
using common::FilterKind;
using common::MagnifyParams;
using common::Mode;
using common::ValidateMagnifyParams;

// A streaming band-pass filter.
class TemporalFilter {
 public:
  virtual ~TemporalFilter() = default;

  // Feeds the next sample; returns the filtered value of the sample `delay()` steps back, or
  // nothing while the filter still needs later samples (zero-phase FIR).
  virtual std::optional<torch::Tensor> Step(const torch::Tensor& sample) = 0;

  // Ends the signal: returns the remaining delayed outputs, one per call, until nothing is left.
  virtual std::optional<torch::Tensor> Drain() = 0;

  // How many samples the output lags the input (0 for the causal filters).
  virtual int delay() const = 0;

  // How many input-sized tensors the filter holds: its memory bound.
  virtual int held_tensors() const = 0;
};

// Makes the filter named by `params.filter` with its fl, fh, fs, order and taps.
// REQUIRES: ValidateMagnifyParams(params).ok() and params.mode == Mode::kTemporal.
absl::StatusOr<std::unique_ptr<TemporalFilter>> MakeTemporalFilter(const MagnifyParams& params);

// True for the filters that need no later samples (live streams can use them).
bool IsCausal(FilterKind kind);

}  // namespace vmm::engine
