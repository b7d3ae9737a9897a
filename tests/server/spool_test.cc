// Spool: a committed upload is in place with the right bytes; a wrong checksum or size is
// refused and leaves nothing behind; resumable uploads keep their bytes, report their offset,
// resume only from it, and expire.
#include "server/spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sha256.h"
#include "tests/server/temp_dir.h"

namespace vmm::server {
namespace {

namespace fs = std::filesystem;

std::string Sha256Of(const std::string& bytes) {
  common::Sha256 hash;
  hash.Update(bytes);
  return hash.HexDigest();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int FilesIn(const std::string& directory) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    (void)entry;
    ++count;
  }
  return count;
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Spool>> spool = Spool::Open(dir_.Join("spool"));
    ASSERT_TRUE(spool.ok()) << spool.status();
    spool_ = *std::move(spool);
  }
  UploadTarget Target(const std::string& bytes, const std::string& key = "") {
    UploadTarget target;
    target.resumable_key = key;
    target.size_bytes = static_cast<int64_t>(bytes.size());
    target.sha256 = Sha256Of(bytes);
    return target;
  }
  testing::TempDir dir_;
  std::unique_ptr<Spool> spool_;
};

TEST_F(SpoolTest, CommitPutsCheckedBytesInPlace) {
  const std::string bytes(300000, 'x');
  auto upload = spool_->StartUpload(Target(bytes));
  ASSERT_TRUE(upload.ok()) << upload.status();
  ASSERT_TRUE((*upload)->Append(bytes.substr(0, 100000)).ok());
  ASSERT_TRUE((*upload)->Append(bytes.substr(100000)).ok());
  const std::string final_path = spool_->InputPath("job1");
  ASSERT_TRUE((*upload)->Commit(final_path).ok());
  EXPECT_EQ(ReadAll(final_path), bytes);
  EXPECT_EQ(FilesIn(spool_->root() + "/tmp"), 0);
}

TEST_F(SpoolTest, WrongChecksumIsRefusedAndNothingIsLeft) {
  const std::string bytes = "the real bytes";
  UploadTarget target = Target(bytes);
  target.sha256 = Sha256Of("other bytes!!!");
  auto upload = spool_->StartUpload(target);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Append(bytes).ok());
  absl::Status status = (*upload)->Commit(spool_->InputPath("job1"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("SHA-256 " + Sha256Of(bytes)), std::string::npos) << status;
  EXPECT_FALSE(fs::exists(spool_->InputPath("job1")));
  EXPECT_EQ(FilesIn(spool_->root() + "/tmp"), 0);
}

TEST_F(SpoolTest, BytesBeyondTheAnnouncedSizeAreRefused) {
  auto upload = spool_->StartUpload(Target("12345"));
  ASSERT_TRUE(upload.ok());
  absl::Status status = (*upload)->Append("123456");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("input_size_bytes (5)"), std::string::npos) << status;
  upload->reset();  // abandoned one-shot upload: removed
  EXPECT_EQ(FilesIn(spool_->root() + "/tmp"), 0);
}

TEST_F(SpoolTest, ShortUploadIsRefused) {
  auto upload = spool_->StartUpload(Target("123456"));
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Append("123").ok());
  absl::Status status = (*upload)->Commit(spool_->InputPath("job1"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ended after 3 bytes"), std::string::npos) << status;
  EXPECT_FALSE(fs::exists(spool_->InputPath("job1")));
}

TEST_F(SpoolTest, ResumableUploadKeepsBytesAndResumesFromTheOffset) {
  const std::string bytes = "0123456789abcdefghij";
  const std::string key = Spool::ResumableKey("alice", "upload-1");
  {
    auto upload = spool_->StartUpload(Target(bytes, key));
    ASSERT_TRUE(upload.ok()) << upload.status();
    ASSERT_TRUE((*upload)->Append(bytes.substr(0, 8)).ok());
    (*upload)->Abandon();  // the stream broke
  }
  absl::StatusOr<PartialUpload> partial = spool_->FindPartial(key);
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ(partial->offset, 8);
  EXPECT_EQ(partial->size_bytes, 20);

  UploadTarget wrong_offset = Target(bytes, key);
  wrong_offset.resume_offset = 5;
  auto refused = spool_->StartUpload(wrong_offset);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("resume from offset 8"), std::string::npos)
      << refused.status();

  UploadTarget other_file = Target("a different input", key);
  other_file.resume_offset = 8;
  EXPECT_EQ(spool_->StartUpload(other_file).status().code(), absl::StatusCode::kFailedPrecondition);

  UploadTarget resume = Target(bytes, key);
  resume.resume_offset = 8;
  auto upload = spool_->StartUpload(resume);
  ASSERT_TRUE(upload.ok()) << upload.status();
  // A second stream on the same upload is refused while this one writes.
  EXPECT_EQ(spool_->StartUpload(resume).status().code(), absl::StatusCode::kAborted);
  ASSERT_TRUE((*upload)->Append(bytes.substr(8)).ok());
  ASSERT_TRUE((*upload)->Commit(spool_->InputPath("job1")).ok());
  EXPECT_EQ(ReadAll(spool_->InputPath("job1")), bytes);
  EXPECT_EQ(spool_->FindPartial(key).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SpoolTest, ExpiredPartialUploadsAreRemoved) {
  const std::string key = Spool::ResumableKey("alice", "upload-2");
  {
    auto upload = spool_->StartUpload(Target("0123456789", key));
    ASSERT_TRUE(upload.ok());
    ASSERT_TRUE((*upload)->Append("012").ok());
  }
  EXPECT_EQ(spool_->RemovePartialsOlderThan(absl::Now() - absl::Hours(1)), 0);
  EXPECT_TRUE(spool_->FindPartial(key).ok());
  EXPECT_EQ(spool_->RemovePartialsOlderThan(absl::Now() + absl::Seconds(1)), 1);
  EXPECT_EQ(spool_->FindPartial(key).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SpoolTest, ResumableKeysSeparateOwners) {
  EXPECT_NE(Spool::ResumableKey("alice", "u-12345678"), Spool::ResumableKey("bob", "u-12345678"));
  EXPECT_EQ(Spool::ResumableKey("alice", "u-12345678").size(), 32u);
}

}  // namespace
}  // namespace vmm::server
