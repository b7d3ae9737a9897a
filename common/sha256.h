// SHA-256 of byte streams and files, as lowercase hexadecimal: the checksum the API uses for
// inputs and results (JobSpec.input_sha256, ResultHeader.sha256) and the hash of bearer tokens.
// Built on OpenSSL's EVP digest, which gRPC already links. One copy for every binary: vmm-server,
// vmm-worker and the `vmm` CLI's remote commands.
//
// Error codes of the file functions:
//   NOT_FOUND            the file (or a folder on its path) does not exist;
//   PERMISSION_DENIED    it may not be read by this process;
//   FAILED_PRECONDITION  it is a folder;
//   DATA_LOSS            reading it failed part way (an I/O error);
//   UNAVAILABLE          it could not be opened for another, passing reason (too many open
//                        files): the caller may retry;
//   OUT_OF_RANGE         DigestFilePrefix only: the file is shorter than the prefix asked for.
// Every message names the file in single quotes.
//
// Thread-safety: one Sha256 per stream (not thread-safe); the free functions are safe to call
// from any thread.
//
//   vmm::common::Sha256 sha;
//   sha.Update("a");
//   sha.Update("bc");
//   std::string hex = sha.HexDigest();  // == Sha256Hex("abc")
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vmm::common {

// Incremental SHA-256: Update with the bytes in order, then HexDigest once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds the next bytes.
  void Update(absl::string_view bytes);

  // Finishes and returns the digest as 64 lowercase hexadecimal characters. REQUIRES: called
  // once; Update must not be called afterwards.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// SHA-256 of `bytes`, as lowercase hex.
std::string Sha256Hex(absl::string_view bytes);

// Size and checksum of a file (or of a prefix of it).
struct FileDigest {
  int64_t size_bytes = 0;  // bytes hashed
  std::string sha256;      // 64 lowercase hex characters
};

// SHA-256 and size of the whole file at `path`; NOT_FOUND or UNAVAILABLE (see above).
absl::StatusOr<FileDigest> DigestFile(const std::string& path);

// SHA-256 of the first `length` bytes of the file at `path` (for resumed downloads);
// NOT_FOUND, UNAVAILABLE, or OUT_OF_RANGE when the file holds fewer than `length` bytes.
// REQUIRES: length >= 0.
absl::StatusOr<FileDigest> DigestFilePrefix(const std::string& path, int64_t length);

// True if `text` is 64 hexadecimal characters (either case).
bool IsSha256Hex(absl::string_view text);

// Lowercase copy of a hex digest, for comparisons.
std::string NormalizeHex(absl::string_view text);

}  // namespace vmm::common
