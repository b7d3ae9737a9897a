#include "worker/server_channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <climits>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace vmm::worker {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeServerChannel(const ServerAddress& address) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!address.tls_ca.empty()) {
    std::ifstream file(address.tls_ca);
    if (!file) {
      return absl::NotFoundError(
          absl::StrCat("--tls-ca: cannot read the CA file '", address.tls_ca, "'"));
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
  arguments.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  arguments.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  arguments.SetMaxReceiveMessageSize(-1);
  arguments.SetMaxSendMessageSize(-1);
  // The control loop does its own exponential backoff; keep the channel's own short.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address.target, credentials, arguments);
}

void PrepareContext(grpc::ClientContext& context, const std::string& token,
                    std::optional<std::chrono::milliseconds> timeout) {
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  if (timeout.has_value()) {
    context.set_deadline(std::chrono::system_clock::now() + *timeout);
  }
}

absl::Status FromGrpcStatus(const grpc::Status& status, const std::string& operation) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(operation, ": ", status.error_message()));
}

}  // namespace vmm::worker
