#include "worker/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace vmm::worker {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, IncrementalEqualsWhole) {
  Sha256 sha;
  sha.Update("a");
  sha.Update("bc");
  EXPECT_EQ(sha.HexDigest(), Sha256Hex("abc"));
}

TEST(Sha256Test, DigestsFileAndPrefix) {
  const std::string path = ::testing::TempDir() + "/sha256_test_file";
  std::ofstream(path, std::ios::binary) << "abcdef";
  absl::StatusOr<FileDigest> whole = DigestFile(path);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->size_bytes, 6);
  EXPECT_EQ(whole->sha256, Sha256Hex("abcdef"));
  absl::StatusOr<FileDigest> prefix = DigestFilePrefix(path, 3);
  ASSERT_TRUE(prefix.ok()) << prefix.status();
  EXPECT_EQ(prefix->sha256, Sha256Hex("abc"));
  absl::StatusOr<FileDigest> too_long = DigestFilePrefix(path, 10);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(too_long.status().message().find("fewer than 10"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Sha256Test, MissingFileIsNotFoundNamingIt) {
  absl::StatusOr<FileDigest> digest = DigestFile("/nonexistent/vmm/file.mp4");
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(digest.status().message().find("/nonexistent/vmm/file.mp4"), std::string::npos);
}

}  // namespace
}  // namespace vmm::worker
