// Bearer-token authentication. The tokens file has one `token owner` pair a line ('#' starts a
// comment); the owner "@worker" marks a worker token, which may call only WorkerService. A
// client sends `authorization: Bearer <token>`. Without a tokens file every caller is the owner
// "anonymous" and may also act as a worker (local use). Thread-safe after construction, except
// AddToken, which must happen before the server starts.
#pragma once

#include <map>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"

namespace vmm::server {

// The owner name that marks worker tokens in the tokens file.
inline constexpr char kWorkerOwner[] = "@worker";
// The owner of every caller when the server has no tokens file.
inline constexpr char kAnonymousOwner[] = "anonymous";

// Who is calling.
struct Principal {
  std::string owner;       // whose jobs the caller sees
  bool is_worker = false;  // may call WorkerService
  bool is_client = false;  // may call MagnificationService
};

// Parses a tokens file's text into token -> owner. INVALID_ARGUMENT names the line of a
// malformed entry (not two fields, a token shorter than 16 characters, a duplicate token, an
// owner starting with '@' other than "@worker").
absl::StatusOr<std::map<std::string, std::string>> ParseTokens(absl::string_view text);

// Checks callers' tokens.
class Authenticator {
 public:
  // Everyone is "anonymous" and may act as client and worker.
  static Authenticator AllowAll();
  // Reads the tokens file at `path`; errors name the file and line.
  static absl::StatusOr<Authenticator> FromFile(const std::string& path);
  // Built from parsed tokens (token -> owner).
  explicit Authenticator(const std::map<std::string, std::string>& tokens);

  // Adds a token (the server's generated token for local workers).
  void AddToken(const std::string& token, const std::string& owner);
  // True if callers must present a token.
  bool enabled() const { return enabled_; }

  // Finds the caller from the `authorization` value ("Bearer <token>"); UNAUTHENTICATED if it
  // is missing, malformed or unknown.
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;
  // The same, reading the metadata of a call.
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& context) const;

 private:
  Authenticator() = default;
  bool enabled_ = false;
  // SHA-256 of each token -> owner: lookups never compare secrets byte by byte.
  std::map<std::string, std::string> owners_by_token_hash_;
};

// Calls Authenticate and requires a client (PERMISSION_DENIED for a worker token).
absl::StatusOr<Principal> AuthenticateClient(const Authenticator& auth,
                                             const grpc::ServerContextBase& context);
// Calls Authenticate and requires a worker (PERMISSION_DENIED for a client token).
absl::StatusOr<Principal> AuthenticateWorker(const Authenticator& auth,
                                             const grpc::ServerContextBase& context);

}  // namespace vmm::server
