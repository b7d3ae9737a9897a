#include "server/auth.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/sha256.h"

namespace vmm::server {
namespace {

std::string HashToken(absl::string_view token) {
  common::Sha256 hash;
  hash.Update(token);
  return hash.HexDigest();
}

Principal PrincipalFor(const std::string& owner) {
  Principal principal;
  principal.owner = owner;
  principal.is_worker = owner == kWorkerOwner;
  principal.is_client = !principal.is_worker;
  return principal;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseTokens(absl::string_view text) {
  std::map<std::string, std::string> tokens;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", line_number, ": expected \"token owner\", found ", fields.size(), " fields"));
    }
    const std::string token(fields[0]);
    const std::string owner(fields[1]);
    if (token.size() < 16) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": token is shorter than 16 characters"));
    }
    if (owner[0] == '@' && owner != kWorkerOwner) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": owner \"", owner,
                                                     "\" starts with '@' but is not ",
                                                     kWorkerOwner));
    }
    if (!tokens.emplace(token, owner).second) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": duplicate token"));
    }
  }
  return tokens;
}

Authenticator Authenticator::AllowAll() { return Authenticator(); }

absl::StatusOr<Authenticator> Authenticator::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open tokens file ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::map<std::string, std::string>> tokens = ParseTokens(text.str());
  if (!tokens.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokens file ", path, ": ", tokens.status().message()));
  }
  return Authenticator(*tokens);
}

Authenticator::Authenticator(const std::map<std::string, std::string>& tokens) : enabled_(true) {
  for (const auto& [token, owner] : tokens) AddToken(token, owner);
}

void Authenticator::AddToken(const std::string& token, const std::string& owner) {
  owners_by_token_hash_[HashToken(token)] = owner;
}

absl::StatusOr<Principal> Authenticator::Authenticate(absl::string_view authorization) const {
  if (!enabled_) {
    Principal anyone;
    anyone.owner = kAnonymousOwner;
    anyone.is_client = true;
    anyone.is_worker = true;
    return anyone;
  }
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing token: send the metadata \"authorization: Bearer <token>\"");
  }
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return absl::UnauthenticatedError(
        "malformed authorization metadata: expected \"Bearer <token>\"");
  }
  token = absl::StripAsciiWhitespace(token);
  auto found = owners_by_token_hash_.find(HashToken(token));
  if (found == owners_by_token_hash_.end()) {
    return absl::UnauthenticatedError("unknown token");
  }
  return PrincipalFor(found->second);
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto found = metadata.find("authorization");
  if (found == metadata.end()) return Authenticate(absl::string_view());
  return Authenticate(absl::string_view(found->second.data(), found->second.size()));
}

absl::StatusOr<Principal> AuthenticateClient(const Authenticator& auth,
                                             const grpc::ServerContextBase& context) {
  absl::StatusOr<Principal> principal = auth.Authenticate(context);
  if (principal.ok() && !principal->is_client) {
    return absl::PermissionDeniedError("a worker token cannot call MagnificationService");
  }
  return principal;
}

absl::StatusOr<Principal> AuthenticateWorker(const Authenticator& auth,
                                             const grpc::ServerContextBase& context) {
  absl::StatusOr<Principal> principal = auth.Authenticate(context);
  if (principal.ok() && !principal->is_worker) {
    return absl::PermissionDeniedError(
        absl::StrCat("only tokens of owner ", kWorkerOwner, " can call WorkerService"));
  }
  return principal;
}

}  // namespace vmm::server
