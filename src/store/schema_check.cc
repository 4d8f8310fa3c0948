#include "store/schema_check.h"

#include <sqlite3.h>

#include <filesystem>
#include <iterator>
#include <memory>

#include "store/pg_connection.h"
#include "store/pg_migrations.h"
#include "store/sqlite_migrations.h"

namespace ac {
namespace {

std::expected<int, StoreError> sqlite_version(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return 0;
  sqlite3* db = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> closer(db, sqlite3_close);
  if (opened != SQLITE_OK) {
    return std::unexpected(StoreError{"open " + path + ": " + sqlite3_errstr(opened)});
  }
  sqlite3_stmt* raw = nullptr;
  const char* sql =
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations') "
      "THEN (SELECT COALESCE(MAX(version), 0) FROM schema_migrations) ELSE 0 END";
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return std::unexpected(StoreError{path + ": " + sqlite3_errmsg(db)});
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  if (sqlite3_step(raw) != SQLITE_ROW) {
    return std::unexpected(StoreError{path + ": " + sqlite3_errmsg(db)});
  }
  return static_cast<int>(sqlite3_column_int64(raw, 0));
}

std::expected<int, StoreError> postgres_version(const std::string& conninfo) {
  auto conn = PgConnection::open(conninfo);
  if (!conn) return std::unexpected(conn.error());
  auto row = (*conn)->exec(
      "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 "
      "ELSE (SELECT COALESCE(MAX(version), 0) FROM schema_migrations) END");
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(row->integer(0, 0));
}

}  // namespace

std::expected<SchemaVersions, StoreError> read_schema_versions(const DatabaseUrl& url) {
  const bool postgres = url.kind == DatabaseUrl::Kind::kPostgres;
  auto found = postgres ? postgres_version(url.postgres_conninfo) : sqlite_version(url.sqlite_path);
  if (!found) return std::unexpected(found.error());
  return SchemaVersions{
      *found, static_cast<int>(postgres ? std::size(kPgMigrations) : std::size(kSqliteMigrations))};
}

}  // namespace ac
