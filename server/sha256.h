// SHA-256 checksums of uploads and results (OpenSSL's EVP interface underneath). A Sha256 object
// hashes one stream of bytes and is not thread-safe; the free functions are.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace vmm::server {

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds bytes to the hash.
  void Update(absl::string_view bytes);
  // Returns the digest of everything added so far as 64 lowercase hex characters. REQUIRES:
  // called once; Update may not be called afterwards.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Size and checksum of a file.
struct FileDigest {
  int64_t size_bytes = 0;
  std::string sha256;
};

// Reads the whole file at `path` and returns its size and SHA-256; an error names the file.
absl::StatusOr<FileDigest> HashFile(const std::string& path);

// True if `text` is 64 hexadecimal characters (either case).
bool IsSha256Hex(absl::string_view text);

// Lowercase copy of a hex digest, for comparisons.
std::string NormalizeHex(absl::string_view text);

}  // namespace vmm::server
