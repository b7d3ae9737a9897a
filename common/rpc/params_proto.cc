#include "common/rpc/params_proto.h"

#include "absl/strings/str_cat.h"

namespace vmm::common {

absl::StatusOr<Method> MethodFromProto(vmm::v1::Method method) {
  switch (method) {
    case vmm::v1::METHOD_UNSPECIFIED:
    case vmm::v1::METHOD_LEARNED:
      return Method::kLearned;
    case vmm::v1::METHOD_PHASE:
      return Method::kPhase;
    case vmm::v1::METHOD_LINEAR:
      return Method::kLinear;
    case vmm::v1::METHOD_RIESZ:
      return Method::kRiesz;
    default:
      return absl::InvalidArgumentError(absl::StrCat("params.method: unknown method ", method,
                                                     " (use learned, phase, riesz or linear)"));
  }
}

absl::StatusOr<Mode> ModeFromProto(vmm::v1::Mode mode) {
  switch (mode) {
    case vmm::v1::MODE_UNSPECIFIED:
    case vmm::v1::MODE_STATIC:
      return Mode::kStatic;
    case vmm::v1::MODE_DYNAMIC:
      return Mode::kDynamic;
    case vmm::v1::MODE_TEMPORAL:
      return Mode::kTemporal;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("params.mode: unknown mode ", mode, " (use static, dynamic or temporal)"));
  }
}

absl::StatusOr<FilterKind> FilterFromProto(vmm::v1::TemporalFilter filter) {
  switch (filter) {
    case vmm::v1::FILTER_UNSPECIFIED:
    case vmm::v1::FILTER_DIFFERENCE_OF_IIR:
      return FilterKind::kDifferenceOfIir;
    case vmm::v1::FILTER_FIR:
      return FilterKind::kFir;
    case vmm::v1::FILTER_BUTTERWORTH:
      return FilterKind::kButterworth;
    case vmm::v1::FILTER_ACCELERATION:
      return FilterKind::kAcceleration;
    default:
      return absl::InvalidArgumentError(absl::StrCat("params.filter: unknown filter ", filter,
                                                     " (use fir, butter, iir or accel)"));
  }
}

absl::StatusOr<MagnifyParams> FromProto(const vmm::v1::MagnifyParams& message, ParamsUse use) {
  MagnifyParams params;
  absl::StatusOr<Method> method = MethodFromProto(message.method());
  if (!method.ok()) return method.status();
  params.method = *method;
  absl::StatusOr<Mode> mode = ModeFromProto(message.mode());
  if (!mode.ok()) return mode.status();
  params.mode = *mode;
  absl::StatusOr<FilterKind> filter = FilterFromProto(message.filter());
  if (!filter.ok()) return filter.status();
  params.filter = *filter;
  if (message.has_alpha()) params.alpha = message.alpha();
  if (message.has_reference_frame()) params.reference_frame = message.reference_frame();
  if (message.has_low_hz()) params.low_hz = message.low_hz();
  if (message.has_high_hz()) params.high_hz = message.high_hz();
  if (message.has_sample_rate_hz()) {
    params.sample_rate_hz = message.sample_rate_hz();
    if (absl::Status status = ValidateGivenSampleRate(params.sample_rate_hz, ParamNames::kApi);
        !status.ok()) {
      return status;
    }
  } else if (use == ParamsUse::kLive) {
    params.sample_rate_hz = kLiveDefaultSampleRateHz;
  }
  if (message.has_order()) params.order = message.order();
  if (message.has_taps()) params.taps = message.taps();
  params.limit_chroma = !message.no_chroma_limit();
  params.color = message.color();
  if (absl::Status status = ValidateMagnifyParams(params, use, ParamNames::kApi); !status.ok()) {
    return status;
  }
  // The engine raises an even count by one (kMaxTaps is odd); stored jobs show what runs.
  if (params.taps % 2 == 0) ++params.taps;
  return params;
}

vmm::v1::MagnifyParams ToProto(const MagnifyParams& params) {
  vmm::v1::MagnifyParams message;
  switch (params.method) {
    case Method::kLearned:
      message.set_method(vmm::v1::METHOD_LEARNED);
      break;
    case Method::kPhase:
      message.set_method(vmm::v1::METHOD_PHASE);
      break;
    case Method::kLinear:
      message.set_method(vmm::v1::METHOD_LINEAR);
      break;
    case Method::kRiesz:
      message.set_method(vmm::v1::METHOD_RIESZ);
      break;
  }
  switch (params.mode) {
    case Mode::kStatic:
      message.set_mode(vmm::v1::MODE_STATIC);
      break;
    case Mode::kDynamic:
      message.set_mode(vmm::v1::MODE_DYNAMIC);
      break;
    case Mode::kTemporal:
      message.set_mode(vmm::v1::MODE_TEMPORAL);
      break;
  }
  switch (params.filter) {
    case FilterKind::kFir:
      message.set_filter(vmm::v1::FILTER_FIR);
      break;
    case FilterKind::kButterworth:
      message.set_filter(vmm::v1::FILTER_BUTTERWORTH);
      break;
    case FilterKind::kDifferenceOfIir:
      message.set_filter(vmm::v1::FILTER_DIFFERENCE_OF_IIR);
      break;
    case FilterKind::kAcceleration:
      message.set_filter(vmm::v1::FILTER_ACCELERATION);
      break;
  }
  message.set_alpha(params.alpha);
  message.set_reference_frame(params.reference_frame);
  message.set_low_hz(params.low_hz);
  message.set_high_hz(params.high_hz);
  if (params.sample_rate_hz != 0) message.set_sample_rate_hz(params.sample_rate_hz);
  message.set_order(params.order);
  message.set_taps(params.taps);
  message.set_no_chroma_limit(!params.limit_chroma);
  message.set_color(params.color);
  return message;
}

}  // namespace vmm::common
