// RAII wrappers for SQLite's connection and prepared statements, with errors turned into
// absl::Status values that name the operation, the database file and SQLite's own message.
// Not thread-safe: the owner (SqliteJobStore) serializes access to a connection.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vmm::server {

// Closes a connection.
struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
// An open SQLite connection.
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

// An error status for a failed SQLite call: "<operation> on <path>: <sqlite message>".
absl::Status SqliteError(sqlite3* db, absl::string_view operation, absl::string_view path);

// Runs SQL that returns no rows (one or more statements).
absl::Status SqliteExec(sqlite3* db, const std::string& sql, absl::string_view path);

// A prepared statement; binds are 1-based, columns 0-based as in SQLite.
class SqliteStatement {
 public:
  // Prepares `sql` on `db`; `path` only names the database in errors.
  static absl::StatusOr<SqliteStatement> Prepare(sqlite3* db, const std::string& sql,
                                                 absl::string_view path);

  void BindText(int index, absl::string_view text);
  void BindBlob(int index, absl::string_view bytes);
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindNull(int index);

  // Advances to the next row: true if there is one, false when done.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  absl::Status Run();

  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement, absl::string_view path)
      : db_(db), statement_(statement), path_(path) {}

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  std::string path_;
};

}  // namespace vmm::server
