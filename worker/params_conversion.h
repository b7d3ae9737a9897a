// The API's MagnifyParams (proto, fields left out meaning the shared defaults) as the engine's,
// checked again by the shared rules (common/magnify_params.h), so the worker runs a job or a
// live session exactly as `vmm magnify` would with the same flags.
//
// Thread-safety: a pure function.
#pragma once

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::worker {

// Converts and checks `params` for `use`; fs not set takes `input_rate_hz` (the input's frame
// rate for jobs; live streams default to common::kLiveDefaultSampleRateHz). INVALID_ARGUMENT
// names the field at fault.
absl::StatusOr<common::MagnifyParams> ToEngineParams(const vmm::v1::MagnifyParams& params,
                                                     common::ParamsUse use,
                                                     double input_rate_hz);

}  // namespace vmm::worker
