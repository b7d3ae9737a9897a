// The one place where absl::Status becomes grpc::Status and back, for the server's handlers,
// the worker's calls to the server and the CLI's remote commands. Both types use the same
// canonical codes 0..16 (Abseil's guide to choosing them applies), so the conversion keeps the
// code and the message as they are; a code outside that range (one from the future) becomes
// UNKNOWN with the message kept. Messages are not escaped here: callers bound and quote user
// text before it reaches a Status.
//
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace vmm::common {

// Returns a grpc::Status with the same code and message as `status` (OK for OK).
grpc::Status ToGrpcStatus(const absl::Status& status);

// Returns an absl::Status with the same code and message as `status` (OK for OK).
absl::Status FromGrpcStatus(const grpc::Status& status);

// The same, the message prefixed with "<operation>: " (a failed call of ours, named). OK stays
// OK.
absl::Status FromGrpcStatus(const grpc::Status& status, absl::string_view operation);

}  // namespace vmm::common
