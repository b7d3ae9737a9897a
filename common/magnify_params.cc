#include "common/magnify_params.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/quoted.h"

namespace vmm::common {
namespace {

// One parameter as the CLI and the API spell it.
struct ParamName {
  const char* flag;
  const char* field;
};

constexpr ParamName kAlpha{"--alpha", "params.alpha"};
constexpr ParamName kReference{"--reference", "params.reference_frame"};
constexpr ParamName kLow{"--fl", "params.low_hz"};
constexpr ParamName kHigh{"--fh", "params.high_hz"};
constexpr ParamName kRate{"--fs", "params.sample_rate_hz"};
constexpr ParamName kOrder{"--order", "params.order"};
constexpr ParamName kTaps{"--taps", "params.taps"};
constexpr ParamName kFilter{"--filter", "params.filter"};
constexpr ParamName kColor{"--color", "params.color"};

const char* Name(ParamName name, ParamNames names) {
  return names == ParamNames::kFlags ? name.flag : name.field;
}

absl::Status Invalid(ParamName name, ParamNames names, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(Name(name, names), " ", rule));
}

bool IsPositiveFinite(double value) { return std::isfinite(value) && value > 0; }

}  // namespace

absl::Status ValidateGivenSampleRate(double sample_rate_hz, ParamNames names) {
  if (IsPositiveFinite(sample_rate_hz)) return absl::OkStatus();
  return Invalid(kRate, names,
                 absl::StrCat("must be above 0 Hz (or not given: the input's frame rate), got ",
                              sample_rate_hz));
}

absl::Status ValidateMagnifyParams(const MagnifyParams& params, ParamsUse use, ParamNames names) {
  if (params.color && params.method != Method::kLinear) {
    return Invalid(kColor, names,
                   absl::StrCat("is for the linear method (colour amplification), not ",
                                MethodName(params.method)));
  }
  if (!std::isfinite(params.alpha) || params.alpha < 0 || params.alpha > kMaxAlpha) {
    return Invalid(kAlpha, names,
                   absl::StrCat("must be a number from 0 to ", kMaxAlpha,
                                " (1 leaves motion unchanged, 0 freezes it), got ", params.alpha));
  }
  if (params.reference_frame < 0) {
    return Invalid(
        kReference, names,
        absl::StrCat("must be 0 or more (0 is the first frame), got ", params.reference_frame));
  }
  if (use == ParamsUse::kLive && params.reference_frame != 0) {
    return Invalid(
        kReference, names,
        absl::StrCat("must be 0 for live streams (the first frame), got ", params.reference_frame));
  }
  if (!IsPositiveFinite(params.low_hz)) {
    return Invalid(kLow, names, absl::StrCat("must be above 0 Hz, got ", params.low_hz));
  }
  if (!IsPositiveFinite(params.high_hz) || params.high_hz <= params.low_hz) {
    return Invalid(kHigh, names,
                   absl::StrCat("must be above ", Name(kLow, names), " (", params.low_hz,
                                " Hz), got ", params.high_hz));
  }
  if (params.sample_rate_hz != 0) {
    if (absl::Status status = ValidateGivenSampleRate(params.sample_rate_hz, names);
        !status.ok()) {
      return status;
    }
  }
  if (params.order < kMinOrder || params.order > kMaxOrder) {
    return Invalid(kOrder, names,
                   absl::StrCat("must be ", kMinOrder, " to ", kMaxOrder, ", got ", params.order));
  }
  if (params.taps < kMinTaps || params.taps > kMaxTaps) {
    return Invalid(kTaps, names,
                   absl::StrCat("must be ", kMinTaps, " to ", kMaxTaps, ", got ", params.taps));
  }
  if (params.mode != Mode::kTemporal) return absl::OkStatus();
  if (use == ParamsUse::kLive && !IsCausalFilter(params.filter)) {
    return Invalid(kFilter, names,
                   absl::StrCat(FilterKindName(params.filter),
                                " needs future frames; live streams take butter or iir"));
  }
  if (params.sample_rate_hz != 0 && params.high_hz >= params.sample_rate_hz / 2) {
    return Invalid(
        kHigh, names,
        absl::StrCat("must be below half of ", Name(kRate, names), " (", params.sample_rate_hz / 2,
                     " Hz, the Nyquist rate), got ", params.high_hz));
  }
  return absl::OkStatus();
}

absl::StatusOr<MagnifyParams> WithSampleRate(MagnifyParams params, double input_rate_hz,
                                             ParamsUse use, ParamNames names) {
  if (params.sample_rate_hz == 0 && params.mode == Mode::kTemporal) {
    if (!IsPositiveFinite(input_rate_hz)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the input has no usable frame rate (", input_rate_hz, "); give ", Name(kRate, names)));
    }
    params.sample_rate_hz = input_rate_hz;
  } else if (params.sample_rate_hz == 0 && IsPositiveFinite(input_rate_hz)) {
    params.sample_rate_hz = input_rate_hz;
  }
  if (absl::Status status = ValidateMagnifyParams(params, use, names); !status.ok()) {
    return status;
  }
  return params;
}

absl::StatusOr<Method> ParseMethod(const std::string& text) {
  const std::string name = absl::AsciiStrToLower(text);
  if (name == "learned") return Method::kLearned;
  if (name == "phase") return Method::kPhase;
  if (name == "linear") return Method::kLinear;
  if (name == "riesz") return Method::kRiesz;
  return absl::InvalidArgumentError(
      absl::StrCat("--method must be learned, phase, riesz or linear, got ", Quoted(text)));
}

absl::StatusOr<Mode> ParseMode(const std::string& text) {
  const std::string name = absl::AsciiStrToLower(text);
  if (name == "static") return Mode::kStatic;
  if (name == "dynamic") return Mode::kDynamic;
  if (name == "temporal") return Mode::kTemporal;
  return absl::InvalidArgumentError(
      absl::StrCat("--mode must be static, dynamic or temporal, got ", Quoted(text)));
}

absl::StatusOr<FilterKind> ParseFilterKind(const std::string& text) {
  const std::string name = absl::AsciiStrToLower(text);
  if (name == "fir") return FilterKind::kFir;
  if (name == "butter" || name == "butterworth") return FilterKind::kButterworth;
  if (name == "iir" || name == "differenceofiir") return FilterKind::kDifferenceOfIir;
  if (name == "accel" || name == "acceleration") return FilterKind::kAcceleration;
  return absl::InvalidArgumentError(
      absl::StrCat("--filter must be fir, butter, iir or accel, got ", Quoted(text)));
}

bool IsCausalFilter(FilterKind kind) {
  return kind == FilterKind::kButterworth || kind == FilterKind::kDifferenceOfIir;
}

std::string MethodName(Method method) {
  switch (method) {
    case Method::kLearned:
      return "learned";
    case Method::kPhase:
      return "phase";
    case Method::kLinear:
      return "linear";
    case Method::kRiesz:
      return "riesz";
  }
  return "unknown";
}

std::string ModeName(Mode mode) {
  switch (mode) {
    case Mode::kStatic:
      return "static";
    case Mode::kDynamic:
      return "dynamic";
    case Mode::kTemporal:
      return "temporal";
  }
  return "unknown";
}

std::string FilterKindName(FilterKind kind) {
  switch (kind) {
    case FilterKind::kFir:
      return "fir";
    case FilterKind::kButterworth:
      return "butter";
    case FilterKind::kDifferenceOfIir:
      return "iir";
    case FilterKind::kAcceleration:
      return "accel";
  }
  return "unknown";
}

}  // namespace vmm::common
