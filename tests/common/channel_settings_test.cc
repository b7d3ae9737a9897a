// common/rpc/channel_settings: the client arguments carry the shared keepalive numbers, and a
// missing CA file is NOT_FOUND naming it.
#include "common/rpc/channel_settings.h"

#include <grpc/grpc.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace vmm::common {
namespace {

// The integer arguments of `arguments`, by key.
std::map<std::string, int> IntegerArguments(const grpc::ChannelArguments& arguments) {
  grpc_channel_args raw = arguments.c_channel_args();
  std::map<std::string, int> result;
  for (size_t i = 0; i < raw.num_args; ++i) {
    if (raw.args[i].type == GRPC_ARG_INTEGER) result[raw.args[i].key] = raw.args[i].value.integer;
  }
  return result;
}

TEST(ChannelSettingsTest, ClientArgumentsUseTheSharedKeepalive) {
  const std::map<std::string, int> arguments = IntegerArguments(ClientChannelArguments());
  EXPECT_EQ(arguments.at(GRPC_ARG_KEEPALIVE_TIME_MS), 30000);
  EXPECT_EQ(arguments.at(GRPC_ARG_KEEPALIVE_TIMEOUT_MS), 10000);
  EXPECT_EQ(arguments.at(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS), 1);
  EXPECT_EQ(arguments.at(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA), 0);
  EXPECT_EQ(arguments.at(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH), -1);
  EXPECT_EQ(arguments.at(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH), -1);
  EXPECT_EQ(arguments.at(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS), 2000);
}

TEST(ChannelSettingsTest, ServerAcceptsTheClientsPings) {
  EXPECT_LE(kServerMinClientPingIntervalMs, kClientKeepaliveTimeMs);
}

TEST(ChannelSettingsTest, MissingCaFileIsNotFoundNamingIt) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      MakeClientChannel("127.0.0.1:1", "/nonexistent/ca.pem");
  EXPECT_EQ(channel.status(),
            absl::NotFoundError("--tls-ca: cannot read the CA file '/nonexistent/ca.pem'"));
}

TEST(ChannelSettingsTest, PlaintextChannelNeedsNoFile) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeClientChannel("127.0.0.1:1", "");
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_NE(*channel, nullptr);
}

}  // namespace
}  // namespace vmm::common
