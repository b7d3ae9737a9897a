// Job folders in the worker's work folder: created locked and removed with their files, folders
// left by killed workers removed at start-up while those of running workers are kept, and an
// unusable work folder reported before any job is taken.
#include "worker/work_folder.h"

#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace vmm::worker {
namespace {

namespace fs = std::filesystem;

class WorkFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vmm-work-folder-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A folder as a worker killed mid-job leaves it: its files and an unlocked lock file.
  fs::path Abandoned(const std::string& name) {
    const fs::path folder = dir_ / name;
    fs::create_directories(folder);
    std::ofstream(folder / ".lock") << "";
    std::ofstream(folder / "input.mp4") << "bytes";
    return folder;
  }

  fs::path dir_;
};

TEST_F(WorkFolderTest, JobFolderIsPrivateLockedAndRemovedWithItsFiles) {
  std::string path;
  {
    absl::StatusOr<JobFolder> folder = JobFolder::Create(dir_.string(), "job/../42 x");
    ASSERT_TRUE(folder.ok()) << folder.status();
    path = folder->path();
    EXPECT_EQ(fs::path(path).parent_path(), dir_);
    EXPECT_EQ(fs::path(path).filename().string().rfind("vmm-job-job42x-", 0), 0u) << path;
    std::ofstream(path + "/result.mkv") << "frames";
    // Another process (or a second open here) cannot take its lock while the job runs.
    const int fd = open((path + "/.lock").c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_NE(flock(fd, LOCK_EX | LOCK_NB), 0);
    close(fd);
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(WorkFolderTest, StartUpRemovesAbandonedFoldersAndKeepsRunningOnes) {
  const fs::path abandoned = Abandoned("vmm-job-a1-XXXXXX");
  absl::StatusOr<JobFolder> running = JobFolder::Create(dir_.string(), "b2");
  ASSERT_TRUE(running.ok()) << running.status();
  // Without a lock file (its worker may be making it right now): kept, even when old.
  const fs::path unlocked = dir_ / "vmm-job-d4-ZZZZZZ";
  fs::create_directories(unlocked);
  fs::last_write_time(unlocked, fs::file_time_type::clock::now() - std::chrono::minutes(5));
  const fs::path unrelated = dir_ / "notes";
  fs::create_directories(unrelated);

  EXPECT_EQ(RemoveAbandonedJobFolders(dir_.string()), 1);
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(running->path()));
  EXPECT_TRUE(fs::exists(unlocked));
  EXPECT_TRUE(fs::exists(unrelated));
  EXPECT_EQ(RemoveAbandonedJobFolders((dir_ / "missing").string()), 0);
}

TEST_F(WorkFolderTest, UnusableWorkFolderIsUnavailableNamingIt) {
  EXPECT_TRUE(CheckWorkFolder(dir_.string()).ok());
  EXPECT_TRUE(fs::is_empty(dir_)) << "the check leaves nothing behind";
  const std::string missing = (dir_ / "missing").string();
  const absl::Status status = CheckWorkFolder(missing);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find(missing), std::string::npos) << status;
  std::ofstream(dir_ / "file") << "";
  EXPECT_EQ(CheckWorkFolder((dir_ / "file").string()).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vmm::worker
