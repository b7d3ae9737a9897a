#include "worker/params_conversion.h"

namespace vmm::worker {

engine::MagnifyParams ToEngineParams(const vmm::v1::MagnifyParams& params,
                                     double default_sample_rate_hz) {
  engine::MagnifyParams result;
  switch (params.mode()) {
    case vmm::v1::MODE_DYNAMIC:
      result.mode = engine::Mode::kDynamic;
      break;
    case vmm::v1::MODE_TEMPORAL:
      result.mode = engine::Mode::kTemporal;
      break;
    default:
      result.mode = engine::Mode::kStatic;
      break;
  }
  switch (params.filter()) {
    case vmm::v1::FILTER_FIR:
      result.filter = engine::FilterKind::kFir;
      break;
    case vmm::v1::FILTER_BUTTERWORTH:
      result.filter = engine::FilterKind::kButterworth;
      break;
    default:
      result.filter = engine::FilterKind::kDifferenceOfIir;
      break;
  }
  if (params.alpha() != 0) result.alpha = params.alpha();
  result.reference_frame = params.reference_frame();
  if (params.low_hz() != 0) result.low_hz = params.low_hz();
  if (params.high_hz() != 0) result.high_hz = params.high_hz();
  result.sample_rate_hz =
      params.sample_rate_hz() != 0 ? params.sample_rate_hz() : default_sample_rate_hz;
  if (params.order() != 0) result.order = params.order();
  if (params.taps() != 0) result.taps = params.taps();
  result.limit_chroma = !params.no_chroma_limit();
  return result;
}

}  // namespace vmm::worker
