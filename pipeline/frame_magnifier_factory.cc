#include "pipeline/frame_magnifier_factory.h"

#include <utility>

#include "engine/magnifier.h"
#include "methods/classic_magnifier.h"

namespace vmm::pipeline {

absl::StatusOr<std::unique_ptr<engine::FrameMagnifier>> MakeFrameMagnifier(
    const engine::LoadedModel& model, const common::MagnifyParams& params) {
  if (params.method != common::Method::kLearned) return methods::MakeClassicMagnifier(params);
  absl::StatusOr<std::unique_ptr<engine::Magnifier>> learned =
      engine::Magnifier::Create(model.net, params, model.device);
  if (!learned.ok()) return learned.status();
  return std::unique_ptr<engine::FrameMagnifier>(*std::move(learned));
}

}  // namespace vmm::pipeline
