// The JobStore kept in one SQLite database file, in WAL mode with synchronous=FULL, so a job is
// on disk when Insert or Update returns. Thread-safe: one connection, serialized by a mutex.
//
//   absl::StatusOr<std::unique_ptr<JobStore>> store = SqliteJobStore::Open("/var/lib/vmm/jobs.db");
#pragma once

#include "absl/strings/string_view.h"

#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "server/job_store.h"
#include "server/sqlite_statement.h"

namespace vmm::server {

// JobStore on SQLite.
class SqliteJobStore : public JobStore {
 public:
  // Opens (creating if needed) the database at `path` and its tables. Errors name the file.
  static absl::StatusOr<std::unique_ptr<SqliteJobStore>> Open(const std::string& path);

  absl::Status Insert(JobRecord* job) override;
  absl::StatusOr<JobRecord> Get(const std::string& id) override;
  absl::StatusOr<JobRecord> FindByUploadId(const std::string& owner,
                                           const std::string& upload_id) override;
  absl::StatusOr<JobPage> List(const JobQuery& query) override;
  absl::StatusOr<int64_t> CountActive(const std::string& owner) override;
  absl::Status Update(const JobRecord& job, JobState expected_state) override;
  absl::Status Delete(const std::string& id) override;

 private:
  SqliteJobStore(SqliteHandle db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  absl::StatusOr<JobRecord> GetLocked(const std::string& where, const std::string& key1,
                                      const std::string& key2, absl::string_view what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  absl::Status LoadLabels(JobRecord* job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  std::mutex mutex_;
  SqliteHandle db_ ABSL_GUARDED_BY(mutex_);
  const std::string path_;
};

}  // namespace vmm::server
