// Turns the magnification flags that `vmm magnify` also takes (client/magnify_flags.h) into the
// API's MagnifyParams for `vmm submit` and `vmm stream`. Mode and filter names are checked here
// (as `vmm magnify` checks them); the numbers are sent as typed and the server checks them,
// naming a bad one in INVALID_ARGUMENT.
//
// Thread-safety: a pure function.
#pragma once

#include "absl/status/statusor.h"
#include "client/magnify_flags.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::client {

// The API's message for `flags`; INVALID_ARGUMENT for an unknown mode or filter name.
absl::StatusOr<vmm::v1::MagnifyParams> ToProtoParams(const MagnifyFlags& flags);

}  // namespace vmm::client
