#include "worker/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace vmm::worker {

struct Sha256::Context {
  struct Deleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, Deleter> digest{EVP_MD_CTX_new()};
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  EVP_DigestInit_ex(context_->digest.get(), EVP_sha256(), nullptr);
}

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(context_->digest.get(), bytes.data(), bytes.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->digest.get(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.HexDigest();
}

absl::StatusOr<FileDigest> DigestFilePrefix(const std::string& path, int64_t length) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open '", path, "' to compute its SHA-256: ", std::strerror(errno)));
  }
  Sha256 sha;
  FileDigest result;
  std::vector<char> buffer(1 << 20);
  while (result.size_bytes < length) {
    const int64_t want =
        std::min<int64_t>(static_cast<int64_t>(buffer.size()), length - result.size_bytes);
    file.read(buffer.data(), want);
    const std::streamsize got = file.gcount();
    if (got <= 0) break;
    sha.Update(std::string_view(buffer.data(), static_cast<size_t>(got)));
    result.size_bytes += got;
  }
  if (file.bad()) {
    return absl::UnavailableError(absl::StrCat("cannot read '", path, "'"));
  }
  if (length != std::numeric_limits<int64_t>::max() && result.size_bytes < length) {
    return absl::OutOfRangeError(
        absl::StrCat("'", path, "' holds ", result.size_bytes, " bytes, fewer than ", length));
  }
  result.sha256 = sha.HexDigest();
  return result;
}

absl::StatusOr<FileDigest> DigestFile(const std::string& path) {
  return DigestFilePrefix(path, std::numeric_limits<int64_t>::max());
}

}  // namespace vmm::worker
