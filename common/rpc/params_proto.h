// The API's MagnifyParams (vmm/v1/magnification.proto) to and from common::MagnifyParams: a
// field left out takes the shared default, a value set is checked by the shared rules, so the
// server, the worker and the CLI's remote commands agree with `vmm magnify`.
//
// Thread-safety: pure functions.
#pragma once

#include "absl/status/statusor.h"
#include "common/magnify_params.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::common {

// The parameters `message` asks for, defaults filled in and checked for `use`
// (ValidateMagnifyParams with the API's field names); fs stays 0 when not set.
// INVALID_ARGUMENT names the field at fault.
absl::StatusOr<MagnifyParams> FromProto(const vmm::v1::MagnifyParams& message, ParamsUse use);

// The API's method, mode and filter as the shared enums (UNSPECIFIED: the default); a value
// the API does not define is INVALID_ARGUMENT naming the field and the accepted names.
absl::StatusOr<Method> MethodFromProto(vmm::v1::Method method);
absl::StatusOr<Mode> ModeFromProto(vmm::v1::Mode mode);
absl::StatusOr<FilterKind> FilterFromProto(vmm::v1::TemporalFilter filter);

// The message for `params`, every field set (fs only when known), so a stored job says what it
// runs with.
vmm::v1::MagnifyParams ToProto(const MagnifyParams& params);

}  // namespace vmm::common
