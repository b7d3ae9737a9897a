#include "worker/work_folder.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace vmm::worker {

namespace {

constexpr char kJobFolderPrefix[] = "vmm-job-";
constexpr char kLockFile[] = "/.lock";

// Opens (creating it if asked) and locks `folder`'s lock file without waiting; -1 when another
// process holds it or it cannot be opened.
int LockFolder(const std::string& folder, bool create) {
  const std::string lock = folder + kLockFile;
  const int fd = open(lock.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;  // close() may change it; the caller reports this one
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

}  // namespace

absl::StatusOr<JobFolder> JobFolder::Create(const std::string& work_dir,
                                            const std::string& job_id) {
  std::string safe_job;
  for (char c : job_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) && safe_job.size() < 40) safe_job.push_back(c);
  }
  std::string base = work_dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string pattern = absl::StrCat(base, "/", kJobFolderPrefix, safe_job, "-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create a job folder in the work folder '",
                                               work_dir, "': ", std::strerror(errno)));
  }
  const int fd = LockFolder(pattern, /*create=*/true);
  if (fd < 0) {
    const int error = errno;
    std::error_code ignored;
    std::filesystem::remove_all(pattern, ignored);
    return absl::UnavailableError(absl::StrCat("cannot lock a job folder in the work folder '",
                                               work_dir, "': ", std::strerror(error)));
  }
  return JobFolder(pattern, fd);
}

JobFolder::JobFolder(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}

JobFolder::JobFolder(JobFolder&& other) noexcept
    : path_(std::move(other.path_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {
  other.path_.clear();
}

JobFolder::~JobFolder() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the lock, after the folder is gone
}

absl::Status CheckWorkFolder(const std::string& work_dir) {
  absl::StatusOr<JobFolder> probe = JobFolder::Create(work_dir, "check");
  if (!probe.ok()) return probe.status();
  const std::string file = probe->path() + "/probe";
  {
    std::ofstream out(file, std::ios::binary);
    out << "vmm";
    out.flush();
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat("cannot write a file in the work folder '", work_dir, "'"));
    }
  }
  return absl::OkStatus();
}

int RemoveAbandonedJobFolders(const std::string& work_dir) {
  std::error_code error;
  std::filesystem::directory_iterator entries(work_dir, error);
  int removed = 0;
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
    const std::filesystem::directory_entry& entry = *entries;
    const std::string name = entry.path().filename().string();
    std::error_code ignored;
    if (!absl::StartsWith(name, kJobFolderPrefix) || entry.is_symlink(ignored) ||
        !entry.is_directory(ignored)) {
      continue;
    }
    // Only a folder whose lock we can take is abandoned: one without a lock file belongs to a
    // worker creating it right now (or to a worker of a version without locks) and is kept.
    const std::string folder = entry.path().string();
    const int fd = LockFolder(folder, /*create=*/false);
    if (fd < 0) continue;
    std::filesystem::remove_all(folder, ignored);
    if (!ignored) ++removed;
    close(fd);
  }
  return removed;
}

}  // namespace vmm::worker
