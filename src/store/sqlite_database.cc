#include "store/sqlite_database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/sqlite_migrations.h"

namespace ac {
namespace {

// Busy past the busy timeout, or the file cannot be read: the database is there but not usable
// now, which callers answer with 503. Anything else is a bug or bad data.
StoreErrorKind kind_of(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return StoreErrorKind::kUnavailable;
    default:
      return StoreErrorKind::kInternal;
  }
}

StoreError error_of(sqlite3* db, std::string_view what) {
  return StoreError{std::string(what) + ": " + sqlite3_errmsg(db), kind_of(sqlite3_errcode(db))};
}

StoreError os_error(std::string_view what, const std::string& path) {
  return StoreError{std::string(what) + " " + path + ": " + std::strerror(errno),
                    StoreErrorKind::kUnavailable};
}

// The tokens live in the database: the directories made for it are 0700 and its files 0600,
// whatever the umask (issue 11). Directories that were there already are left as they are.
std::expected<void, StoreError> make_private_directories(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> missing;
  std::error_code ignored;  // a path that cannot be looked at is reported by mkdir below
  for (auto path = directory; !path.empty() && !std::filesystem::exists(path, ignored);
       path = path.parent_path()) {
    missing.push_back(path);
    if (path == path.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0) {
      if (errno == EEXIST) continue;  // made meanwhile by another process: not ours to change
      return std::unexpected(os_error("cannot create", it->string()));
    }
    if (::chmod(it->c_str(), 0700) != 0)
      return std::unexpected(os_error("cannot chmod", it->string()));
  }
  return {};
}

// Creates the file 0600 when missing, and takes group and other access away when it exists.
std::expected<void, StoreError> make_private_file(const std::string& path, bool create) {
  const int fd =
      ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
  if (fd < 0) {
    if (!create && errno == ENOENT) return {};
    return std::unexpected(os_error("cannot open", path));
  }
  const bool changed = ::fchmod(fd, 0600) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (!changed) return std::unexpected(os_error("cannot chmod", path));
  return {};
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
  prepare_error_ =
      sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<std::string>& value) {
  if (value) return bind(index, std::string_view(*value));
  sqlite3_bind_null(stmt_, index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<std::int64_t>& value) {
  if (value) return bind(index, *value);
  sqlite3_bind_null(stmt_, index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<double>& value) {
  if (value) {
    sqlite3_bind_double(stmt_, index, *value);
  } else {
    sqlite3_bind_null(stmt_, index);
  }
  return *this;
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::expected<bool, StoreError> SqliteStatement::step() {
  if (prepare_error_ != SQLITE_OK) return std::unexpected(error_of(db_, "prepare"));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(error_of(db_, "step"));
}

std::expected<void, StoreError> SqliteStatement::run() {
  while (true) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

std::string SqliteStatement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  return data ? std::string(reinterpret_cast<const char*>(data),
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
              : std::string();
}

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::string> SqliteStatement::optional_text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

std::optional<std::int64_t> SqliteStatement::optional_integer(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return integer(column);
}

std::optional<double> SqliteStatement::optional_real(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt_, column);
}

std::expected<std::unique_ptr<SqliteDatabase>, StoreError> SqliteDatabase::open(
    const std::string& path, int connections, std::chrono::milliseconds acquire_timeout) {
  if (auto made = make_private_directories(std::filesystem::path(path).parent_path()); !made) {
    return std::unexpected(made.error());
  }
  // SQLite gives the -wal and -shm files it creates the database file's mode; ones an older
  // version left behind are tightened too.
  for (const auto& [file, create] :
       {std::pair{path, true}, std::pair{path + "-wal", false}, std::pair{path + "-shm", false}}) {
    if (auto made = make_private_file(file, create); !made) return std::unexpected(made.error());
  }

  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase());
  database->acquire_timeout_ = acquire_timeout;
  for (int i = 0; i < std::max(1, connections); ++i) {
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      StoreError error = error_of(db, "open " + path);
      sqlite3_close(db);
      return std::unexpected(error);
    }
    database->all_.push_back(db);
    database->idle_.push_back(db);
    sqlite3_busy_timeout(db, 5000);
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
      if (auto done = exec(db, pragma); !done) return std::unexpected(done.error());
    }
    if (i == 0) {
      if (auto migrated = database->migrate(db); !migrated) {
        return std::unexpected(migrated.error());
      }
    }
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  for (sqlite3* db : all_) sqlite3_close(db);
}

std::expected<SqliteDatabase::Lease, StoreError> SqliteDatabase::acquire() {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty(); })) {
    return std::unexpected(
        StoreError{"no database connection free in time", StoreErrorKind::kUnavailable});
  }
  sqlite3* db = idle_.back();
  idle_.pop_back();
  return Lease(*this, db);
}

void SqliteDatabase::give_back(sqlite3* db) {
  std::lock_guard lock(mutex_);
  idle_.push_back(db);
  available_.notify_one();
}

std::expected<void, StoreError> SqliteDatabase::exec(sqlite3* db, std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    StoreError error{message ? message : "sqlite error", kind_of(sqlite3_errcode(db))};
    sqlite3_free(message);
    return std::unexpected(error);
  }
  return {};
}

std::expected<void, StoreError> SqliteDatabase::migrate(sqlite3* db) {
  if (auto made = exec(db,
                       "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
      !made) {
    return made;
  }
  // Each step and its record land in one transaction, so a crash leaves no half-applied version;
  // BEGIN IMMEDIATE makes instances that start together take turns.
  const int target = static_cast<int>(std::size(kSqliteMigrations));
  for (int version = 1; version <= target; ++version) {
    auto applied = sqlite_transaction<bool>(db, [&]() -> std::expected<bool, StoreError> {
      SqliteStatement check(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
      check.bind(1, static_cast<std::int64_t>(version));
      auto present = check.step();
      if (!present || *present) return present;
      if (auto done = exec(db, kSqliteMigrations[version - 1]); !done) {
        return std::unexpected(done.error());
      }
      SqliteStatement record(db,
                             "INSERT INTO schema_migrations (version, applied_at) "
                             "VALUES (?, strftime('%s','now'))");
      record.bind(1, static_cast<std::int64_t>(version));
      if (auto done = record.run(); !done) return std::unexpected(done.error());
      return false;
    });
    if (!applied) {
      return std::unexpected(
          StoreError{"migration " + std::to_string(version) + ": " + applied.error().message});
    }
  }
  SqliteStatement newest(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (auto row = newest.step(); row && *row) schema_version_ = static_cast<int>(newest.integer(0));
  if (schema_version_ > target) {
    return std::unexpected(StoreError{"database schema version " + std::to_string(schema_version_) +
                                      " is newer than this build knows (" + std::to_string(target) +
                                      ")"});
  }
  return {};
}

}  // namespace ac
