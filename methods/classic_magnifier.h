// Streaming magnification by a classic method (phase-based, Riesz or linear Eulerian), with the same
// modes and temporal filters as the learned method: static (against a reference frame), dynamic
// (against the previous frame), temporal (a band-pass over time of the motion signal, as the
// papers filter phases or intensities). Each frame is analysed once. Frames are padded by
// reflection to multiples of 16 inside and cropped back.
//
// Thread-safety: one magnifier per video; not safe for concurrent calls.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "engine/frame_magnifier.h"

namespace vmm::methods {

// A magnifier for `params.method` (kPhase, kRiesz or kLinear); INVALID_ARGUMENT for invalid params or
// the learned method. Works on the CPU.
absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> MakeClassicMagnifier(
    const common::MagnifyParams& params);

}  // namespace vmm::methods
