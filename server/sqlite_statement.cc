#include "server/sqlite_statement.h"

#include "absl/strings/str_cat.h"

namespace vmm::server {

absl::Status SqliteError(sqlite3* db, absl::string_view operation, absl::string_view path) {
  const int code = db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  const std::string message = absl::StrCat(operation, " on ", path, ": ",
                                           db != nullptr ? sqlite3_errmsg(db) : "no database");
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status SqliteExec(sqlite3* db, const std::string& sql, absl::string_view path) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    absl::Status status = SqliteError(db, absl::StrCat("executing \"", sql.substr(0, 60), "\""),
                                      path);
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, const std::string& sql,
                                                         absl::string_view path) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db, absl::StrCat("preparing \"", sql.substr(0, 60), "\""), path);
  }
  return SqliteStatement(db, statement, path);
}

void SqliteStatement::BindText(int index, absl::string_view text) {
  sqlite3_bind_text(statement_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindBlob(int index, absl::string_view bytes) {
  sqlite3_bind_blob(statement_.get(), index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

void SqliteStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(statement_.get(), index, value);
}

void SqliteStatement::BindDouble(int index, double value) {
  sqlite3_bind_double(statement_.get(), index, value);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(statement_.get(), index); }

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, absl::StrCat("running \"",
                                       std::string(sqlite3_sql(statement_.get())).substr(0, 60),
                                       "\""),
                     path_);
}

absl::Status SqliteStatement::Run() {
  absl::StatusOr<bool> row = Step();
  return row.ok() ? absl::OkStatus() : row.status();
}

std::string SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(statement_.get(), column)));
}

std::string SqliteStatement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(statement_.get(), column);
  if (blob == nullptr) return "";
  return std::string(static_cast<const char*>(blob),
                     static_cast<size_t>(sqlite3_column_bytes(statement_.get(), column)));
}

int64_t SqliteStatement::ColumnInt(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

double SqliteStatement::ColumnDouble(int column) const {
  return sqlite3_column_double(statement_.get(), column);
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

}  // namespace vmm::server
