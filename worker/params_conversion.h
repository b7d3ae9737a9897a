// Turns the API's MagnifyParams (proto, zero meaning "default") into the engine's, so the worker
// runs a job or a live session exactly as `vmm magnify` would with the same flags.
//
// Thread-safety: pure functions.
#pragma once

#include "engine/magnify_params.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::worker {

// Converts `params`; zero fields take the engine's defaults, except sample_rate_hz, which takes
// `default_sample_rate_hz` (the input's frame rate for jobs, 30 for live streams). The result is
// not validated: call engine::ValidateMagnifyParams.
engine::MagnifyParams ToEngineParams(const vmm::v1::MagnifyParams& params,
                                     double default_sample_rate_hz);

}  // namespace vmm::worker
