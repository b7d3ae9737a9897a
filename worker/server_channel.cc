#include "worker/server_channel.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/channel_settings.h"

namespace vmm::worker {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeServerChannel(const ServerAddress& address) {
  return common::MakeClientChannel(address.target, address.tls_ca);
}

void PrepareContext(grpc::ClientContext& context, const std::string& token,
                    std::optional<std::chrono::milliseconds> timeout) {
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  if (timeout.has_value()) {
    context.set_deadline(std::chrono::system_clock::now() + *timeout);
  }
}

}  // namespace vmm::worker
