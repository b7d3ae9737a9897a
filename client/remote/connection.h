// How the remote commands reach the server: the flags every one of them takes (--server,
// --token, --tls-ca, --json), the channel built from them (TLS when a CA file is given; the
// keepalive and message-size settings of common/rpc/channel_settings.h, shared with vmm-worker
// and agreed with the server; no whole-stream deadline), and per-call contexts carrying the
// bearer token.
//
// Thread-safety: a Connection may be shared by threads; contexts are per call.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace vmm::client {

// The flags common to every remote command.
struct ConnectionFlags {
  std::string server = "127.0.0.1:8001";  // host:port (env VMM_SERVER)
  std::string token;                      // bearer token (env VMM_TOKEN); empty: none
  std::string tls_ca;                     // PEM CA file; empty: plaintext
  bool json = false;                      // machine-readable output
};

// Declares --server, --token, --tls-ca and --json on `command`.
void AddConnectionFlags(CLI::App* command, ConnectionFlags& flags);

// A channel to the server and the stub of the public API.
class Connection {
 public:
  // Builds the channel; NOT_FOUND when the CA file cannot be read.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const ConnectionFlags& flags);

  // The public API's stub.
  vmm::v1::MagnificationService::Stub& stub() { return *stub_; }

  // A context for one call with the token and, for unary calls, a deadline.
  std::unique_ptr<grpc::ClientContext> NewContext(
      std::optional<std::chrono::seconds> timeout = std::chrono::seconds(30)) const;

  const ConnectionFlags& flags() const { return flags_; }

 private:
  Connection(ConnectionFlags flags, std::shared_ptr<grpc::Channel> channel);

  const ConnectionFlags flags_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<vmm::v1::MagnificationService::Stub> stub_;
};

// "jobs/abc" for "abc" or "jobs/abc".
std::string JobName(const std::string& id_or_name);

}  // namespace vmm::client
