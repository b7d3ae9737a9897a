// The worker's gRPC channel to vmm-server: TLS when a CA bundle is given, and the channel and
// keepalive settings every client of the server shares (common/rpc/channel_settings.h: a ping
// every 30 s, also without calls; unlimited message sizes, as live frames can be large); and the
// bearer token attached to every call's context.
//
// Thread-safety: the channel is shared by every call of one control session; contexts are per
// call. Ownership: the returned channel is shared.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace vmm::worker {

// Where the server is and how to reach it.
struct ServerAddress {
  std::string target;  // host:port
  std::string token;   // bearer token; empty: none
  std::string tls_ca;  // PEM CA file; empty: plaintext
};

// Creates a channel to the server; NOT_FOUND when the CA file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeServerChannel(const ServerAddress& address);

// Prepares `context` for one call: the bearer token and, if given, a deadline.
void PrepareContext(grpc::ClientContext& context, const std::string& token,
                    std::optional<std::chrono::milliseconds> timeout = std::nullopt);

}  // namespace vmm::worker
