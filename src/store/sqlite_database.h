#pragma once

// A pool of SQLite connections to one database file (WAL, busy timeout, foreign keys), whose
// schema is brought up to date by versioned migrations when it opens.

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/account_store.h"

namespace ac {

// A prepared statement; steps and reads columns. Errors come back as StoreError values.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, const std::optional<std::string>& value);
  SqliteStatement& bind(int index, const std::optional<std::int64_t>& value);
  SqliteStatement& bind(int index, const std::optional<double>& value);
  // Ready to run again with new bindings.
  void reset();

  // True while a row is ready; false when done.
  std::expected<bool, StoreError> step();
  std::expected<void, StoreError> run();  // steps to the end

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int prepare_error_ = SQLITE_OK;
};

class SqliteDatabase {
 public:
  // `path` is the file; its directory is created when missing. acquire() waits for a free
  // connection at most `acquire_timeout`.
  static std::expected<std::unique_ptr<SqliteDatabase>, StoreError> open(
      const std::string& path, int connections,
      std::chrono::milliseconds acquire_timeout = std::chrono::seconds(5));
  ~SqliteDatabase();

  // A connection for one caller; given back when the lease goes.
  class Lease {
   public:
    Lease(SqliteDatabase& owner, sqlite3* db) : owner_(&owner), db_(db) {}
    ~Lease() {
      if (db_ != nullptr) owner_->give_back(db_);
    }
    Lease(Lease&& other) noexcept : owner_(other.owner_), db_(std::exchange(other.db_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    sqlite3* get() const { return db_; }

   private:
    SqliteDatabase* owner_;
    sqlite3* db_;
  };
  // kUnavailable when every connection stayed busy for the whole acquire timeout.
  std::expected<Lease, StoreError> acquire();

  static std::expected<void, StoreError> exec(sqlite3* db, std::string_view sql);
  int schema_version() const { return schema_version_; }

 private:
  SqliteDatabase() = default;
  void give_back(sqlite3* db);
  std::expected<void, StoreError> migrate(sqlite3* db);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<sqlite3*> idle_;
  std::vector<sqlite3*> all_;
  std::chrono::milliseconds acquire_timeout_{0};
  int schema_version_ = 0;
};

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it returns an error.
template <typename T, typename Body>
std::expected<T, StoreError> sqlite_transaction(sqlite3* db, Body&& body) {
  if (auto begun = SqliteDatabase::exec(db, "BEGIN IMMEDIATE"); !begun) {
    return std::unexpected(begun.error());
  }
  std::expected<T, StoreError> result = body();
  if (!result) {
    (void)SqliteDatabase::exec(db, "ROLLBACK");
    return result;
  }
  if (auto committed = SqliteDatabase::exec(db, "COMMIT"); !committed) {
    (void)SqliteDatabase::exec(db, "ROLLBACK");
    return std::unexpected(committed.error());
  }
  return result;
}

}  // namespace ac
