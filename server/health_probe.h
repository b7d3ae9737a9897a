// A client of grpc.health.v1.Health/Check on the generated stub (proto/grpc/health/v1): asks a
// server whether it serves. Used by the vmm-health-probe tool (the image's health check) and by
// tests. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/channel.h"

namespace vmm::server {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
inline constexpr ServingStatus kServing = grpc::health::v1::HealthCheckResponse::SERVING;

// Asks `channel` for the health of `service` ("" is the whole server). Returns the call's
// error status if it fails (UNAVAILABLE when nothing listens, DEADLINE_EXCEEDED, ...).
absl::StatusOr<ServingStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& service, absl::Duration timeout);

}  // namespace vmm::server
