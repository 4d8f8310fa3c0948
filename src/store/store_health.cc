#include "store/store_health.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "store/pg_connection.h"

namespace ac {
namespace {

StoreError unavailable(std::string message) {
  return StoreError{std::move(message), StoreErrorKind::kUnavailable};
}

class SqliteHealth final : public StoreHealth {
 public:
  explicit SqliteHealth(std::string path) : path_(std::move(path)) {}

  std::expected<void, StoreError> check_writable() override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      return std::unexpected(
          unavailable("database file " + path_ + ": " + std::string(std::strerror(errno))));
    }
    if (!inode_) inode_ = std::pair{st.st_dev, st.st_ino};
    if (*inode_ != std::pair{st.st_dev, st.st_ino}) {
      return std::unexpected(unavailable("database file " + path_ +
                                         " was replaced: the service still writes to the old one"));
    }
    // Asked of the file itself: SQLite hands a new connection a read-write descriptor the
    // process still holds for this file (its other connections' locks keep it open), so a file
    // made read-only while the service runs would still open read-write below.
    if (::faccessat(AT_FDCWD, path_.c_str(), W_OK, AT_EACCESS) != 0) {
      return std::unexpected(unavailable("database file " + path_ +
                                         " is read-only: " + std::string(std::strerror(errno))));
    }
    sqlite3* db = nullptr;
    const int opened = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    const std::unique_ptr<sqlite3, int (*)(sqlite3*)> closer(db, sqlite3_close);
    if (opened != SQLITE_OK) {
      return std::unexpected(unavailable("database file " + path_ + ": " + sqlite3_errstr(opened)));
    }
    if (sqlite3_db_readonly(db, "main") == 1) {
      return std::unexpected(unavailable("database file " + path_ + " is read-only"));
    }
    sqlite3_busy_timeout(db, 500);
    const int locked = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (locked == SQLITE_BUSY) return {};  // another connection is writing: it can
    if (locked != SQLITE_OK) {
      return std::unexpected(
          unavailable("database file " + path_ + " takes no writes: " + sqlite3_errmsg(db)));
    }
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return {};
  }

 private:
  const std::string path_;
  std::optional<std::pair<dev_t, ino_t>> inode_;  // the file as first seen
};

class PostgresHealth final : public StoreHealth {
 public:
  explicit PostgresHealth(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  std::expected<void, StoreError> check_writable() override {
    if (!conn_ || !conn_->reusable()) {
      conn_.reset();
      auto opened = PgConnection::open(conninfo_);
      if (!opened) return std::unexpected(opened.error());
      conn_ = std::move(*opened);
    }
    auto row = conn_->exec(
        "SELECT pg_is_in_recovery(), current_setting('transaction_read_only'), "
        // Each privilege on its own: with a list, has_table_privilege is true if any is held.
        "COALESCE(has_table_privilege(to_regclass('accounts'), 'INSERT') AND "
        "has_table_privilege(to_regclass('accounts'), 'UPDATE') AND "
        "has_table_privilege(to_regclass('accounts'), 'DELETE'), true)");
    if (!row) return std::unexpected(row.error());
    if (row->text(0, 0) == "t") {
      return std::unexpected(unavailable("the PostgreSQL server is a standby (read-only)"));
    }
    if (row->text(0, 1) == "on") {
      return std::unexpected(
          unavailable("PostgreSQL sessions are read-only "
                      "(default_transaction_read_only is on)"));
    }
    if (row->text(0, 2) != "t") {
      return std::unexpected(unavailable("this PostgreSQL login may not write the accounts table"));
    }
    return {};
  }

 private:
  const std::string conninfo_;
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

std::unique_ptr<StoreHealth> StoreHealth::open(const DatabaseUrl& url) {
  if (url.kind == DatabaseUrl::Kind::kPostgres) {
    return std::make_unique<PostgresHealth>(url.postgres_conninfo);
  }
  return std::make_unique<SqliteHealth>(url.sqlite_path);
}

}  // namespace ac
