#include "client/remote/connection.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/channel_settings.h"

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
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      common::MakeClientChannel(flags.server, flags.tls_ca);
  if (!channel.ok()) return channel.status();
  return std::unique_ptr<Connection>(new Connection(flags, *std::move(channel)));
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
