// How every client of vmm-server (vmm-worker and the `vmm` CLI's remote commands) builds its
// channel, and the server's side of the keepalive agreement, in one header so the two sides
// cannot drift apart (the service's design: clients ping every 30 s, also between calls; the
// server accepts pings down to every 10 s and pings idle connections every minute itself).
//
// Client channels: keepalive pings every kClientKeepaliveTimeMs, unlimited message sizes both
// ways (live frames can exceed gRPC's 4 MiB default; the server enforces its own receive limit),
// and short reconnect backoff (callers do their own exponential backoff).
//
// Thread-safety: constants and stateless functions; safe from any thread. The returned channel
// is shared and may be used by many calls at once.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace vmm::common {

// Clients send a keepalive ping this often (ms), also when no call is active.
inline constexpr int kClientKeepaliveTimeMs = 30000;
// Clients give a ping this long (ms) to be answered before dropping the connection.
inline constexpr int kClientKeepaliveTimeoutMs = 10000;
// The shortest interval (ms) between a client's pings that the server accepts without data.
inline constexpr int kServerMinClientPingIntervalMs = 10000;
// The server pings an idle connection this often (ms) to find dead peers.
inline constexpr int kServerKeepaliveTimeMs = 60000;
// The server gives its ping this long (ms) to be answered.
inline constexpr int kServerKeepaliveTimeoutMs = 20000;
// Reconnect backoff of client channels (ms): initial and minimum, and maximum.
inline constexpr int kClientReconnectBackoffMs = 200;
inline constexpr int kClientMaxReconnectBackoffMs = 2000;

static_assert(kServerMinClientPingIntervalMs <= kClientKeepaliveTimeMs,
              "the server would answer the clients' keepalive pings with GOAWAY");

// The channel arguments every client of vmm-server uses (see the header comment).
grpc::ChannelArguments ClientChannelArguments();

// A channel to `target` (host:port) with ClientChannelArguments: TLS against the PEM CA bundle
// in `tls_ca_path`, or plaintext when it is empty. NOT_FOUND "--tls-ca: cannot read the CA file
// '<path>'" when the bundle cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeClientChannel(const std::string& target,
                                                                 const std::string& tls_ca_path);

// Adds the server's keepalive policy (the constants above) to `builder`.
void AddServerKeepaliveArguments(grpc::ServerBuilder& builder);

}  // namespace vmm::common
