// The one place where absl::Status becomes grpc::Status (and back, for tests and clients of the
// worker protocol). Both use the same canonical codes (Abseil's guide to choosing them applies),
// so the mapping keeps the code and the message as they are. Stateless and thread-safe.
#pragma once

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace vmm::server {

// Returns a grpc::Status with the same code and message as `status`.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Returns an absl::Status with the same code and message as `status`.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace vmm::server
