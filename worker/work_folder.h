// The worker's work folder (--work-dir): one private folder per job, `vmm-job-<id>-XXXXXX`, that
// holds the job's input and result and is removed with everything in it when the job ends. Each
// job folder holds a lock (flock on its `.lock` file) for as long as its worker runs the job, so
// that a worker starting up can remove the folders that killed workers left behind without
// touching those of workers still running in the same work folder.
//
// Thread-safety: JobFolder is owned by one job's thread; the free functions may run anywhere.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vmm::worker {

// A locked private folder for one job's files, removed with everything in it on destruction.
class JobFolder {
 public:
  // Creates and locks a new folder under `work_dir` for `job_id` (any text: only letters and
  // digits are kept in the name). UNAVAILABLE, naming `work_dir`, when it cannot.
  static absl::StatusOr<JobFolder> Create(const std::string& work_dir, const std::string& job_id);

  JobFolder(JobFolder&& other) noexcept;
  JobFolder& operator=(JobFolder&&) = delete;
  JobFolder(const JobFolder&) = delete;
  ~JobFolder();

  const std::string& path() const { return path_; }

 private:
  JobFolder(std::string path, int lock_fd);
  std::string path_;
  int lock_fd_ = -1;
};

// OK when jobs can run in `work_dir`: a job folder can be created, written and removed there.
// UNAVAILABLE naming the folder and the reason otherwise.
absl::Status CheckWorkFolder(const std::string& work_dir);

// Removes the job folders under `work_dir` whose lock no running worker holds (left by a worker
// that was killed), and returns how many it removed. Folders without a lock file are kept: their
// worker may be creating it right now, or predate the locks.
int RemoveAbandonedJobFolders(const std::string& work_dir);

}  // namespace vmm::worker
