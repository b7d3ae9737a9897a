#include "client/remote/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace vmm::client {

void AddConnectionFlags(CLI::App* command, ConnectionFlags& flags) {
  command->add_option("--server", flags.server, "Server address, host:port")
      ->envname("VMM_SERVER")
      ->capture_default_str();
  command->add_option("--token", flags.token, "Bearer token")->envname("VMM_TOKEN");
  command->add_option("--tls-ca", flags.tls_ca, "PEM file of CA certificates; enables TLS");
  command->add_flag("--json", flags.json, "Machine-readable JSON output");
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const ConnectionFlags& flags) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!flags.tls_ca.empty()) {
    std::ifstream file(flags.tls_ca);
    if (!file) {
      return absl::NotFoundError(
          absl::StrCat("--tls-ca: cannot read the CA file '", flags.tls_ca, "'"));
    }
    std::stringstream pem;
    pem << file.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  arguments.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  arguments.SetMaxReceiveMessageSize(-1);  // live frames can exceed 4 MiB
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(flags.server, credentials, arguments);
  return std::unique_ptr<Connection>(new Connection(flags, std::move(channel)));
}

Connection::Connection(ConnectionFlags flags, std::shared_ptr<grpc::Channel> channel)
    : flags_(std::move(flags)),
      channel_(std::move(channel)),
      stub_(vmm::v1::MagnificationService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewContext(
    std::optional<std::chrono::seconds> timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!flags_.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", flags_.token));
  }
  if (timeout.has_value()) context->set_deadline(std::chrono::system_clock::now() + *timeout);
  return context;
}

std::string JobName(const std::string& id_or_name) {
  if (absl::StartsWith(id_or_name, "jobs/")) return id_or_name;
  return absl::StrCat("jobs/", id_or_name);
}

}  // namespace vmm::client
