#include "engine/magnify_params.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace vmm::engine {

absl::Status ValidateMagnifyParams(const MagnifyParams& params) {
  if (!std::isfinite(params.alpha) || params.alpha < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("alpha must be a finite number >= 0 (1 leaves motion unchanged), got ",
                     params.alpha));
  }
  if (params.alpha > 10000) {
    return absl::InvalidArgumentError(absl::StrCat("alpha must be at most 10000, got ", params.alpha));
  }
  if (params.mode == Mode::kStatic && params.reference_frame < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("reference frame must be >= 0, got ", params.reference_frame));
  }
  if (params.mode != Mode::kTemporal) return absl::OkStatus();

  const double fs = params.sample_rate_hz;
  if (!std::isfinite(fs) || fs <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("fs (sample rate) must be > 0 Hz, got ", fs));
  }
  if (!std::isfinite(params.low_hz) || params.low_hz <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("fl must be > 0 Hz, got ", params.low_hz));
  }
  if (!std::isfinite(params.high_hz) || params.high_hz <= params.low_hz) {
    return absl::InvalidArgumentError(absl::StrCat("fl must be below fh, got fl ", params.low_hz,
                                                   " Hz and fh ", params.high_hz, " Hz"));
  }
  if (params.high_hz >= fs / 2) {
    return absl::InvalidArgumentError(absl::StrCat("fh must be below fs/2 (", fs / 2,
                                                   " Hz, the Nyquist rate), got ", params.high_hz));
  }
  if (params.filter == FilterKind::kButterworth && (params.order < 1 || params.order > 8)) {
    return absl::InvalidArgumentError(
        absl::StrCat("order must be between 1 and 8, got ", params.order));
  }
  if (params.filter == FilterKind::kFir && (params.taps < 3 || params.taps > 1025)) {
    return absl::InvalidArgumentError(
        absl::StrCat("taps must be between 3 and 1025, got ", params.taps));
  }
  return absl::OkStatus();
}

absl::StatusOr<Mode> ParseMode(const std::string& text) {
  const std::string name = absl::AsciiStrToLower(text);
  if (name == "static") return Mode::kStatic;
  if (name == "dynamic") return Mode::kDynamic;
  if (name == "temporal") return Mode::kTemporal;
  return absl::InvalidArgumentError(
      absl::StrCat("mode must be static, dynamic or temporal, got '", text, "'"));
}

absl::StatusOr<FilterKind> ParseFilterKind(const std::string& text) {
  const std::string name = absl::AsciiStrToLower(text);
  if (name == "fir") return FilterKind::kFir;
  if (name == "butter" || name == "butterworth") return FilterKind::kButterworth;
  if (name == "iir" || name == "differenceofiir") return FilterKind::kDifferenceOfIir;
  return absl::InvalidArgumentError(
      absl::StrCat("filter must be fir, butter or iir, got '", text, "'"));
}

std::string ModeName(Mode mode) {
  switch (mode) {
    case Mode::kStatic: return "static";
    case Mode::kDynamic: return "dynamic";
    case Mode::kTemporal: return "temporal";
  }
  return "unknown";
}

std::string FilterKindName(FilterKind kind) {
  switch (kind) {
    case FilterKind::kFir: return "fir";
    case FilterKind::kButterworth: return "butter";
    case FilterKind::kDifferenceOfIir: return "iir";
  }
  return "unknown";
}

}  // namespace vmm::engine
