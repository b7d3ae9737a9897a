#include "common/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace vmm::common {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// A hash of the first `length` bytes (all of them when `length` is the maximum).
absl::StatusOr<FileDigest> Digest(const std::string& path, int64_t length) {
  File file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int error = errno;
    const std::string message =
        absl::StrCat("cannot open '", path, "' to compute its SHA-256: ", std::strerror(error));
    if (error == ENOENT || error == ENOTDIR) return absl::NotFoundError(message);
    if (error == EACCES || error == EPERM) return absl::PermissionDeniedError(message);
    if (error == EISDIR) return absl::FailedPreconditionError(message);
    return absl::UnavailableError(message);
  }
  Sha256 sha;
  FileDigest result;
  std::vector<char> buffer(1 << 20);
  while (result.size_bytes < length) {
    const size_t want = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(buffer.size()), length - result.size_bytes));
    const size_t got = std::fread(buffer.data(), 1, want, file.get());
    sha.Update(absl::string_view(buffer.data(), got));
    result.size_bytes += static_cast<int64_t>(got);
    if (got < want) break;
  }
  if (std::ferror(file.get()) != 0) {
    const int error = errno;
    const std::string message =
        absl::StrCat("cannot read '", path, "' to compute its SHA-256: ", std::strerror(error));
    if (error == EISDIR) return absl::FailedPreconditionError(message);
    return absl::DataLossError(message);
  }
  if (length != std::numeric_limits<int64_t>::max() && result.size_bytes < length) {
    return absl::OutOfRangeError(
        absl::StrCat("'", path, "' holds ", result.size_bytes, " bytes, fewer than ", length));
  }
  result.sha256 = sha.HexDigest();
  return result;
}

}  // namespace

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

void Sha256::Update(absl::string_view bytes) {
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

std::string Sha256Hex(absl::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.HexDigest();
}

absl::StatusOr<FileDigest> DigestFile(const std::string& path) {
  return Digest(path, std::numeric_limits<int64_t>::max());
}

absl::StatusOr<FileDigest> DigestFilePrefix(const std::string& path, int64_t length) {
  return Digest(path, length);
}

bool IsSha256Hex(absl::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string NormalizeHex(absl::string_view text) { return absl::AsciiStrToLower(text); }

}  // namespace vmm::common
