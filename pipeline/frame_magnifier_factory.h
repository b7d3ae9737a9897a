// Picks the magnifier of MagnifyParams::method: the learned network (engine::Magnifier, on the
// model's device) or a classic method (methods::MakeClassicMagnifier, on the CPU).
//
// Thread-safety: a pure factory; the model is shared, not copied.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "engine/frame_magnifier.h"
#include "engine/model_loader.h"

namespace vmm::pipeline {

// A magnifier for `params`; INVALID_ARGUMENT for invalid params.
absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> MakeFrameMagnifier(
    const engine::LoadedModel& model, const common::MagnifyParams& params);

}  // namespace vmm::pipeline
