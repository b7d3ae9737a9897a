// The API's MagnifyParams for `vmm submit` and `vmm stream`, from the magnification flags that
// `vmm magnify` also takes (client/magnify_flags.h), checked here by the same shared rules the
// server applies (common/magnify_params.h), so a bad value is exit 2 before anything is sent.
//
// Thread-safety: a pure function.
#pragma once

#include "absl/status/statusor.h"
#include "client/magnify_flags.h"
#include "common/magnify_params.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::client {

// The API's message for `flags`; INVALID_ARGUMENT naming the flag at fault. Without --fs, fs is
// `input_rate_hz` when that is above 0 (a stream's source rate), else left out for the server.
absl::StatusOr<vmm::v1::MagnifyParams> ToProtoParams(const MagnifyFlags& flags,
                                                     common::ParamsUse use,
                                                     double input_rate_hz = 0);

}  // namespace vmm::client
