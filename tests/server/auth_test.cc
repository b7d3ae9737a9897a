// Tokens file parsing and bearer-token checks.
#include "server/auth.h"

#include <gtest/gtest.h>

namespace vmm::server {
namespace {

constexpr char kTokens[] =
    "# lab tokens\n"
    "alice-token-0123456789 alice\n"
    "\n"
    "  bob-token-0123456789   bob  \n"
    "worker-token-0123456789 @worker\n";

TEST(ParseTokensTest, ReadsPairsAndSkipsCommentsAndBlankLines) {
  absl::StatusOr<std::map<std::string, std::string>> tokens = ParseTokens(kTokens);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->size(), 3u);
  EXPECT_EQ(tokens->at("bob-token-0123456789"), "bob");
  EXPECT_EQ(tokens->at("worker-token-0123456789"), "@worker");
}

TEST(ParseTokensTest, ErrorsNameTheLine) {
  absl::StatusOr<std::map<std::string, std::string>> tokens =
      ParseTokens("alice-token-0123456789 alice\nlonely-token-0123456789\n");
  EXPECT_EQ(tokens.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(tokens.status().message().find("line 2"), std::string::npos) << tokens.status();

  tokens = ParseTokens("short alice\n");
  EXPECT_NE(tokens.status().message().find("shorter than 16"), std::string::npos);

  tokens = ParseTokens("alice-token-0123456789 alice\nalice-token-0123456789 bob\n");
  EXPECT_NE(tokens.status().message().find("line 2: duplicate token"), std::string::npos);

  tokens = ParseTokens("admin-token-0123456789 @admin\n");
  EXPECT_NE(tokens.status().message().find("@admin"), std::string::npos);
}

TEST(AuthenticatorTest, BearerTokensMapToOwners) {
  Authenticator auth(*ParseTokens(kTokens));
  absl::StatusOr<Principal> alice = auth.Authenticate("Bearer alice-token-0123456789");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->owner, "alice");
  EXPECT_TRUE(alice->is_client);
  EXPECT_FALSE(alice->is_worker);
  absl::StatusOr<Principal> worker = auth.Authenticate("Bearer worker-token-0123456789");
  ASSERT_TRUE(worker.ok());
  EXPECT_TRUE(worker->is_worker);
  EXPECT_FALSE(worker->is_client);
}

TEST(AuthenticatorTest, MissingMalformedOrUnknownTokensAreUnauthenticated) {
  Authenticator auth(*ParseTokens(kTokens));
  absl::StatusOr<Principal> missing = auth.Authenticate("");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(missing.status().message().find("missing token"), std::string::npos);
  absl::StatusOr<Principal> malformed = auth.Authenticate("alice-token-0123456789");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(malformed.status().message().find("Bearer"), std::string::npos);
  absl::StatusOr<Principal> unknown = auth.Authenticate("Bearer not-a-known-token-123");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(unknown.status().message().find("unknown token"), std::string::npos);
}

TEST(AuthenticatorTest, WithoutTokensEveryoneIsAnonymous) {
  Authenticator auth = Authenticator::AllowAll();
  EXPECT_FALSE(auth.enabled());
  absl::StatusOr<Principal> anyone = auth.Authenticate("");
  ASSERT_TRUE(anyone.ok());
  EXPECT_EQ(anyone->owner, "anonymous");
  EXPECT_TRUE(anyone->is_client);
  EXPECT_TRUE(anyone->is_worker);
}

TEST(AuthenticatorTest, AddedTokensWork) {
  Authenticator auth(*ParseTokens(kTokens));
  auth.AddToken("generated-local-worker-token", kWorkerOwner);
  EXPECT_TRUE(auth.Authenticate("Bearer generated-local-worker-token")->is_worker);
}

}  // namespace
}  // namespace vmm::server
