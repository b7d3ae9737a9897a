// SHA-256 of byte streams and files, as lowercase hexadecimal: the checksum the API uses for
// inputs and results (JobSpec.input_sha256, ResultHeader.sha256). Built on OpenSSL's EVP digest,
// which gRPC already links. Shared by vmm-worker and the `vmm` CLI's remote commands.
//
// Thread-safety: one Sha256 per stream; the free functions are safe to call from any thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vmm::worker {

// Incremental SHA-256: Update with the bytes in order, then HexDigest once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds the next bytes.
  void Update(std::string_view bytes);

  // Finishes and returns the digest as 64 lowercase hexadecimal characters. REQUIRES: called
  // once; Update must not be called afterwards.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// SHA-256 of `bytes`, as lowercase hex.
std::string Sha256Hex(std::string_view bytes);

// SHA-256 of the whole file at `path` and its size; NOT_FOUND or UNAVAILABLE naming the file
// when it cannot be read.
struct FileDigest {
  int64_t size_bytes = 0;
  std::string sha256;
};
absl::StatusOr<FileDigest> DigestFile(const std::string& path);

// SHA-256 of the first `length` bytes of the file at `path` (for resumed downloads).
absl::StatusOr<FileDigest> DigestFilePrefix(const std::string& path, int64_t length);

}  // namespace vmm::worker
