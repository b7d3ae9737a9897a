// A client of grpc.health.v1.Health/Check without its generated code (Debian ships neither
// grpc_health_probe nor the health proto): the request and the reply are tiny enough to encode
// by hand. Used by the vmm-health-probe tool (container health checks) and by tests.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace vmm::server {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class ServingStatus { kUnknown = 0, kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// Asks `channel` for the health of `service` ("" is the whole server). Returns the call's
// error status if it fails (UNAVAILABLE when nothing listens, DEADLINE_EXCEEDED, ...).
absl::StatusOr<ServingStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& service, absl::Duration timeout);

}  // namespace vmm::server
