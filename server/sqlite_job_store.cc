#include "server/sqlite_job_store.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace vmm::server {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  display_name TEXT NOT NULL,
  params BLOB NOT NULL,
  output_format INTEGER NOT NULL,
  state INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  worker_id TEXT NOT NULL,
  create_time INTEGER,
  start_time INTEGER,
  end_time INTEGER,
  frames_done INTEGER NOT NULL,
  frames_total INTEGER NOT NULL,
  frames_per_second REAL NOT NULL,
  failure_reason TEXT NOT NULL,
  upload_id TEXT,
  input_filename TEXT NOT NULL,
  input_path TEXT NOT NULL,
  input_in_spool INTEGER NOT NULL,
  input_size_bytes INTEGER NOT NULL,
  input_sha256 TEXT NOT NULL,
  result_path TEXT NOT NULL,
  result_size_bytes INTEGER NOT NULL,
  result_sha256 TEXT NOT NULL,
  analysis BLOB,
  UNIQUE (owner, upload_id)
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, owner, sequence);
CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs(owner, sequence);
CREATE TABLE IF NOT EXISTS job_labels (
  job_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_id, key)
);
)sql";

// Column order shared by every SELECT and by ReadJob.
constexpr char kColumns[] =
    "id, sequence, owner, display_name, params, output_format, state, attempts, worker_id, "
    "create_time, start_time, end_time, frames_done, frames_total, frames_per_second, "
    "failure_reason, upload_id, input_filename, input_path, input_in_spool, input_size_bytes, "
    "input_sha256, result_path, result_size_bytes, result_sha256, analysis";

void BindTime(SqliteStatement& statement, int index, absl::Time time) {
  if (time == absl::InfinitePast()) {
    statement.BindNull(index);
  } else {
    statement.BindInt(index, absl::ToUnixMicros(time));
  }
}

absl::Time ColumnTime(const SqliteStatement& statement, int column) {
  if (statement.ColumnIsNull(column)) return absl::InfinitePast();
  return absl::FromUnixMicros(statement.ColumnInt(column));
}

JobRecord ReadJob(const SqliteStatement& row) {
  JobRecord job;
  job.id = row.ColumnText(0);
  job.sequence = row.ColumnInt(1);
  job.owner = row.ColumnText(2);
  job.display_name = row.ColumnText(3);
  job.params.ParseFromString(row.ColumnBlob(4));
  job.output_format = static_cast<vmm::v1::OutputFormat>(row.ColumnInt(5));
  job.state = static_cast<JobState>(row.ColumnInt(6));
  job.attempts = static_cast<int>(row.ColumnInt(7));
  job.worker_id = row.ColumnText(8);
  job.create_time = ColumnTime(row, 9);
  job.start_time = ColumnTime(row, 10);
  job.end_time = ColumnTime(row, 11);
  job.frames_done = row.ColumnInt(12);
  job.frames_total = row.ColumnInt(13);
  job.frames_per_second = row.ColumnDouble(14);
  job.failure_reason = row.ColumnText(15);
  job.upload_id = row.ColumnText(16);
  job.input_filename = row.ColumnText(17);
  job.input_path = row.ColumnText(18);
  job.input_in_spool = row.ColumnInt(19) != 0;
  job.input_size_bytes = row.ColumnInt(20);
  job.input_sha256 = row.ColumnText(21);
  job.result_path = row.ColumnText(22);
  job.result_size_bytes = row.ColumnInt(23);
  job.result_sha256 = row.ColumnText(24);
  if (!row.ColumnIsNull(25)) {
    job.analysis.emplace();
    job.analysis->ParseFromString(row.ColumnBlob(25));
  }
  return job;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteJobStore>> SqliteJobStore::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) return SqliteError(db.get(), "opening the job store", path);
  sqlite3_busy_timeout(db.get(), 5000);
  // WAL lets readers run beside the writer; synchronous=FULL syncs the WAL at every commit, so
  // a committed job survives a power cut.
  for (const char* pragma : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;"}) {
    if (absl::Status status = SqliteExec(db.get(), pragma, path); !status.ok()) return status;
  }
  if (absl::Status status = SqliteExec(db.get(), kSchema, path); !status.ok()) return status;
  // Stores made before measurement jobs lack their column: add it (NULL: a magnification job).
  absl::StatusOr<bool> has_analysis = [&]() -> absl::StatusOr<bool> {
    absl::StatusOr<SqliteStatement> columns = SqliteStatement::Prepare(
        db.get(), "SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'analysis'", path);
    if (!columns.ok()) return columns.status();
    return columns->Step();  // finalized before the ALTER below
  }();
  if (!has_analysis.ok()) return has_analysis.status();
  if (!*has_analysis) {
    if (absl::Status status =
            SqliteExec(db.get(), "ALTER TABLE jobs ADD COLUMN analysis BLOB;", path);
        !status.ok()) {
      return status;
    }
  }
  return std::unique_ptr<SqliteJobStore>(new SqliteJobStore(std::move(db), path));
}

absl::Status SqliteJobStore::Insert(JobRecord* job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (absl::Status status = SqliteExec(db_.get(), "BEGIN IMMEDIATE;", path_); !status.ok()) {
    return status;
  }
  auto insert = [&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(
        db_.get(),
        absl::StrCat("INSERT INTO jobs (", kColumns,
                     ") VALUES (?,NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        path_);
    if (!statement.ok()) return statement.status();
    SqliteStatement& s = *statement;
    s.BindText(1, job->id);
    s.BindText(2, job->owner);
    s.BindText(3, job->display_name);
    s.BindBlob(4, job->params.SerializeAsString());
    s.BindInt(5, job->output_format);
    s.BindInt(6, static_cast<int>(job->state));
    s.BindInt(7, job->attempts);
    s.BindText(8, job->worker_id);
    BindTime(s, 9, job->create_time);
    BindTime(s, 10, job->start_time);
    BindTime(s, 11, job->end_time);
    s.BindInt(12, job->frames_done);
    s.BindInt(13, job->frames_total);
    s.BindDouble(14, job->frames_per_second);
    s.BindText(15, job->failure_reason);
    if (job->upload_id.empty()) {
      s.BindNull(16);
    } else {
      s.BindText(16, job->upload_id);
    }
    s.BindText(17, job->input_filename);
    s.BindText(18, job->input_path);
    s.BindInt(19, job->input_in_spool ? 1 : 0);
    s.BindInt(20, job->input_size_bytes);
    s.BindText(21, job->input_sha256);
    s.BindText(22, job->result_path);
    s.BindInt(23, job->result_size_bytes);
    s.BindText(24, job->result_sha256);
    if (job->analysis.has_value()) {
      s.BindBlob(25, job->analysis->SerializeAsString());
    } else {
      s.BindNull(25);
    }
    if (absl::Status status = s.Run(); !status.ok()) {
      if (absl::IsAlreadyExists(status)) {
        return absl::AlreadyExistsError(absl::StrCat("job ", job->id, " or upload id \"",
                                                     job->upload_id, "\" already exists"));
      }
      return status;
    }
    job->sequence = sqlite3_last_insert_rowid(db_.get());
    for (const auto& [key, value] : job->labels) {
      absl::StatusOr<SqliteStatement> label = SqliteStatement::Prepare(
          db_.get(), "INSERT INTO job_labels (job_id, key, value) VALUES (?,?,?)", path_);
      if (!label.ok()) return label.status();
      label->BindText(1, job->id);
      label->BindText(2, key);
      label->BindText(3, value);
      if (absl::Status status = label->Run(); !status.ok()) return status;
    }
    return absl::OkStatus();
  };
  absl::Status status = insert();
  if (!status.ok()) {
    SqliteExec(db_.get(), "ROLLBACK;", path_).IgnoreError();
    return status;
  }
  return SqliteExec(db_.get(), "COMMIT;", path_);
}

absl::Status SqliteJobStore::LoadLabels(JobRecord* job) {
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(
      db_.get(), "SELECT key, value FROM job_labels WHERE job_id = ?", path_);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, job->id);
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    job->labels[statement->ColumnText(0)] = statement->ColumnText(1);
  }
}

absl::StatusOr<JobRecord> SqliteJobStore::GetLocked(const std::string& where,
                                                    const std::string& key1,
                                                    const std::string& key2,
                                                    absl::string_view what) {
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(
      db_.get(), absl::StrCat("SELECT ", kColumns, " FROM jobs WHERE ", where), path_);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, key1);
  if (!key2.empty()) statement->BindText(2, key2);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat(what, " not found"));
  JobRecord job = ReadJob(*statement);
  if (absl::Status status = LoadLabels(&job); !status.ok()) return status;
  return job;
}

absl::StatusOr<JobRecord> SqliteJobStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return GetLocked("id = ?", id, "", absl::StrCat("job \"jobs/", id, "\""));
}

absl::StatusOr<JobRecord> SqliteJobStore::FindByUploadId(const std::string& owner,
                                                         const std::string& upload_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return GetLocked("owner = ? AND upload_id = ?", owner, upload_id,
                   absl::StrCat("job for upload id \"", upload_id, "\""));
}

absl::StatusOr<JobPage> SqliteJobStore::List(const JobQuery& query) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string sql = absl::StrCat("SELECT ", kColumns, " FROM jobs WHERE 1");
  if (!query.owner.empty()) absl::StrAppend(&sql, " AND owner = ?");
  if (query.state.has_value()) absl::StrAppend(&sql, " AND state = ?");
  if (query.ended_before.has_value()) {
    absl::StrAppend(&sql, " AND state IN (3, 4, 5) AND end_time IS NOT NULL AND end_time < ?");
  }
  if (query.before_sequence > 0) absl::StrAppend(&sql, " AND sequence < ?");
  for (size_t i = 0; i < query.labels.size(); ++i) {
    absl::StrAppend(&sql, " AND EXISTS (SELECT 1 FROM job_labels l WHERE l.job_id = jobs.id",
                    " AND l.key = ? AND l.value = ?)");
  }
  absl::StrAppend(&sql, " ORDER BY sequence DESC LIMIT ?");
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(db_.get(), sql, path_);
  if (!statement.ok()) return statement.status();
  int index = 1;
  if (!query.owner.empty()) statement->BindText(index++, query.owner);
  if (query.state.has_value()) statement->BindInt(index++, static_cast<int>(*query.state));
  if (query.ended_before.has_value()) {
    statement->BindInt(index++, absl::ToUnixMicros(*query.ended_before));
  }
  if (query.before_sequence > 0) statement->BindInt(index++, query.before_sequence);
  for (const auto& [key, value] : query.labels) {
    statement->BindText(index++, key);
    statement->BindText(index++, value);
  }
  const int limit = query.limit > 0 ? query.limit : 1;
  statement->BindInt(index++, limit + 1);
  JobPage page;
  while (true) {
    absl::StatusOr<bool> row = statement->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.jobs.size()) == limit) {
      page.next_before_sequence = page.jobs.back().sequence;
      break;
    }
    page.jobs.push_back(ReadJob(*statement));
  }
  for (JobRecord& job : page.jobs) {
    if (absl::Status status = LoadLabels(&job); !status.ok()) return status;
  }
  return page;
}

absl::StatusOr<int64_t> SqliteJobStore::CountActive(const std::string& owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(
      db_.get(), "SELECT COUNT(*) FROM jobs WHERE owner = ? AND state IN (1, 2)", path_);
  if (!statement.ok()) return statement.status();
  statement->BindText(1, owner);
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  return statement->ColumnInt(0);
}

absl::Status SqliteJobStore::Update(const JobRecord& job, JobState expected_state) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(
      db_.get(),
      "UPDATE jobs SET state = ?, attempts = ?, worker_id = ?, start_time = ?, end_time = ?, "
      "frames_done = ?, frames_total = ?, frames_per_second = ?, failure_reason = ?, "
      "result_path = ?, result_size_bytes = ?, result_sha256 = ? WHERE id = ? AND state = ?",
      path_);
  if (!statement.ok()) return statement.status();
  SqliteStatement& s = *statement;
  s.BindInt(1, static_cast<int>(job.state));
  s.BindInt(2, job.attempts);
  s.BindText(3, job.worker_id);
  BindTime(s, 4, job.start_time);
  BindTime(s, 5, job.end_time);
  s.BindInt(6, job.frames_done);
  s.BindInt(7, job.frames_total);
  s.BindDouble(8, job.frames_per_second);
  s.BindText(9, job.failure_reason);
  s.BindText(10, job.result_path);
  s.BindInt(11, job.result_size_bytes);
  s.BindText(12, job.result_sha256);
  s.BindText(13, job.id);
  s.BindInt(14, static_cast<int>(expected_state));
  if (absl::Status status = s.Run(); !status.ok()) return status;
  if (sqlite3_changes(db_.get()) == 1) return absl::OkStatus();
  absl::StatusOr<JobRecord> current =
      GetLocked("id = ?", job.id, "", absl::StrCat("job \"jobs/", job.id, "\""));
  if (!current.ok()) return current.status();
  return absl::FailedPreconditionError(absl::StrCat("job \"jobs/", job.id, "\" is ",
                                                    JobStateName(current->state), ", not ",
                                                    JobStateName(expected_state)));
}

absl::Status SqliteJobStore::Delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (absl::Status status = SqliteExec(db_.get(), "BEGIN IMMEDIATE;", path_); !status.ok()) {
    return status;
  }
  int deleted = 0;
  absl::Status status = [&]() -> absl::Status {
    for (const char* sql :
         {"DELETE FROM job_labels WHERE job_id = ?", "DELETE FROM jobs WHERE id = ?"}) {
      absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(db_.get(), sql, path_);
      if (!statement.ok()) return statement.status();
      statement->BindText(1, id);
      if (absl::Status run = statement->Run(); !run.ok()) return run;
      deleted = sqlite3_changes(db_.get());
    }
    return absl::OkStatus();
  }();
  if (status.ok() && deleted == 0) {
    status = absl::NotFoundError(absl::StrCat("job \"jobs/", id, "\" not found"));
  }
  if (!status.ok()) {
    SqliteExec(db_.get(), "ROLLBACK;", path_).IgnoreError();
    return status;
  }
  return SqliteExec(db_.get(), "COMMIT;", path_);
}

}  // namespace vmm::server
