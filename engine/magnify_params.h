// What to magnify and how: the mode, the total factor alpha and the temporal filter. Shared by
// the CLI, the trainer's evaluation, the worker and (mirrored) the gRPC API.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vmm::engine {

// How frames are paired or filtered before the manipulator.
enum class Mode {
  kStatic,    // every frame against a reference frame (the first unless `reference_frame` is set)
  kDynamic,   // every frame against the previous input frame
  kTemporal,  // a band-pass filter over time on the shape representation
};

// Temporal filters (mode kTemporal only).
enum class FilterKind {
  kFir,            // windowed-sinc band-pass, `taps` taps, zero phase (output delayed by taps/2)
  kButterworth,    // Butterworth band-pass of order `order`, causal, second-order sections
  kDifferenceOfIir,  // difference of two first-order low-passes at fh and fl, causal
};

// Every parameter of a magnification.
struct MagnifyParams {
  Mode mode = Mode::kStatic;
  // Total factor: output motion = alpha x input motion. 1 changes nothing, < 1 attenuates.
  double alpha = 10.0;
  // Static mode: index of the reference frame (0 = first).
  int64_t reference_frame = 0;
  FilterKind filter = FilterKind::kDifferenceOfIir;
  double low_hz = 0.4;            // fl: low edge of the pass band
  double high_hz = 3.0;           // fh: high edge of the pass band
  double sample_rate_hz = 30.0;   // fs: capture rate of the video (not always the container's)
  int order = 2;                  // Butterworth order
  int taps = 31;                  // FIR taps (odd; an even count is raised by one)
  // Clamp each output pixel's chroma into the range the input frame has around it
  // (chroma_limit.h), so that no colour the scene lacks appears; false: the network's colours.
  bool limit_chroma = true;
};

// Checks every field (alpha finite and >= 0, 0 < fl < fh < fs/2, order 1..8, taps 3..1025, ...)
// and names the offending parameter in an INVALID_ARGUMENT status.
absl::Status ValidateMagnifyParams(const MagnifyParams& params);

// Parses "static", "dynamic", "temporal" (and the filter names "fir", "butter", "iir").
absl::StatusOr<Mode> ParseMode(const std::string& text);
absl::StatusOr<FilterKind> ParseFilterKind(const std::string& text);
std::string ModeName(Mode mode);
std::string FilterKindName(FilterKind kind);

}  // namespace vmm::engine
