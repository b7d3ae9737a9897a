#include "client/remote/remote_params.h"

#include "engine/magnify_params.h"

namespace vmm::client {

absl::StatusOr<vmm::v1::MagnifyParams> ToProtoParams(const MagnifyFlags& flags) {
  absl::StatusOr<engine::Mode> mode = engine::ParseMode(flags.mode);
  if (!mode.ok()) return mode.status();
  absl::StatusOr<engine::FilterKind> filter = engine::ParseFilterKind(flags.filter);
  if (!filter.ok()) return filter.status();
  vmm::v1::MagnifyParams params;
  switch (*mode) {
    case engine::Mode::kStatic:
      params.set_mode(vmm::v1::MODE_STATIC);
      break;
    case engine::Mode::kDynamic:
      params.set_mode(vmm::v1::MODE_DYNAMIC);
      break;
    case engine::Mode::kTemporal:
      params.set_mode(vmm::v1::MODE_TEMPORAL);
      break;
  }
  switch (*filter) {
    case engine::FilterKind::kFir:
      params.set_filter(vmm::v1::FILTER_FIR);
      break;
    case engine::FilterKind::kButterworth:
      params.set_filter(vmm::v1::FILTER_BUTTERWORTH);
      break;
    case engine::FilterKind::kDifferenceOfIir:
      params.set_filter(vmm::v1::FILTER_DIFFERENCE_OF_IIR);
      break;
  }
  params.set_alpha(flags.alpha);
  params.set_low_hz(flags.low_hz);
  params.set_high_hz(flags.high_hz);
  params.set_sample_rate_hz(flags.sample_rate_hz);
  params.set_order(flags.order);
  params.set_taps(flags.taps);
  params.set_reference_frame(flags.reference_frame);
  params.set_no_chroma_limit(flags.no_chroma_limit);
  return params;
}

}  // namespace vmm::client
