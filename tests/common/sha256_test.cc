// common/sha256: known vectors, incremental hashing, file and prefix digests, and each error
// code with its message.
#include "common/sha256.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace vmm::common {
namespace {

constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// A file under the test's temporary folder holding `bytes`, removed at the end of the test.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& bytes)
      : path_(::testing::TempDir() + "/" + name) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), kEmpty);
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
}

TEST(Sha256Test, IncrementalEqualsWhole) {
  Sha256 sha;
  sha.Update("a");
  sha.Update("");
  sha.Update("bc");
  EXPECT_EQ(sha.HexDigest(), kAbc);
}

TEST(Sha256Test, LargerThanOneReadBuffer) {
  const std::string bytes((1 << 20) * 2 + 17, 'x');
  TempFile file("sha256_large", bytes);
  absl::StatusOr<FileDigest> digest = DigestFile(file.path());
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(digest->size_bytes, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(digest->sha256, Sha256Hex(bytes));
}

TEST(Sha256Test, DigestsFile) {
  TempFile file("sha256_abc", "abc");
  absl::StatusOr<FileDigest> digest = DigestFile(file.path());
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(digest->size_bytes, 3);
  EXPECT_EQ(digest->sha256, kAbc);
}

TEST(Sha256Test, DigestsEmptyFile) {
  TempFile file("sha256_empty", "");
  absl::StatusOr<FileDigest> digest = DigestFile(file.path());
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(digest->size_bytes, 0);
  EXPECT_EQ(digest->sha256, kEmpty);
}

TEST(Sha256Test, DigestsPrefix) {
  TempFile file("sha256_abcdef", "abcdef");
  absl::StatusOr<FileDigest> prefix = DigestFilePrefix(file.path(), 3);
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(prefix->size_bytes, 3);
  EXPECT_EQ(prefix->sha256, kAbc);
  absl::StatusOr<FileDigest> none = DigestFilePrefix(file.path(), 0);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->sha256, kEmpty);
  absl::StatusOr<FileDigest> whole = DigestFilePrefix(file.path(), 6);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->sha256, Sha256Hex("abcdef"));
}

TEST(Sha256Test, PrefixLongerThanFileIsOutOfRange) {
  TempFile file("sha256_short", "abcdef");
  absl::StatusOr<FileDigest> digest = DigestFilePrefix(file.path(), 10);
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(digest.status().message(), "'" + file.path() + "' holds 6 bytes, fewer than 10");
}

TEST(Sha256Test, MissingFileIsNotFoundNamingIt) {
  absl::StatusOr<FileDigest> digest = DigestFile("/nonexistent/vmm/file.mp4");
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(digest.status().message(),
            "cannot open '/nonexistent/vmm/file.mp4' to compute its SHA-256: No such file or "
            "directory");
  EXPECT_EQ(DigestFilePrefix("/nonexistent/vmm/file.mp4", 1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(Sha256Test, UnreadableFileIsPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every file";
  TempFile file("sha256_unreadable", "abc");
  ASSERT_EQ(chmod(file.path().c_str(), 0), 0);
  absl::StatusOr<FileDigest> digest = DigestFile(file.path());
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(digest.status().message(),
            "cannot open '" + file.path() + "' to compute its SHA-256: Permission denied");
}

TEST(Sha256Test, FolderIsAFailedPrecondition) {
  const std::string folder = ::testing::TempDir() + "/sha256_folder";
  std::filesystem::create_directories(folder);
  absl::StatusOr<FileDigest> digest = DigestFile(folder);
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(digest.status().message(),
            "cannot read '" + folder + "' to compute its SHA-256: Is a directory");
  std::filesystem::remove(folder);
}

TEST(Sha256Test, HexChecks) {
  EXPECT_TRUE(IsSha256Hex(kAbc));
  EXPECT_TRUE(IsSha256Hex(NormalizeHex(kAbc)));
  EXPECT_TRUE(IsSha256Hex(std::string(64, 'F')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(65, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a') + "g"));
  EXPECT_EQ(NormalizeHex("ABCdef01"), "abcdef01");
}

}  // namespace
}  // namespace vmm::common
