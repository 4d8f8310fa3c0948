#pragma once

// PostgreSQL through libpq: a connection, its results, text parameters, and a pool.
//
// PgConnection is one libpq connection, used by one thread at a time. Every statement goes
// through PQexecParams with text parameters. A failure comes back as a StoreError whose message
// is one log line without a password or row values (libpq's primary message and the SQLSTATE):
// kUnavailable when the connection is lost (SQLSTATE class 08, 57P01-57P03, or the connection is
// now bad; such a connection is never reused), kConflict when another writer won a race (40001,
// 40P01, 23505), kInternal otherwise.
//
// PgPool hands connections out to many threads: it makes them lazily up to its size, waits for a
// free one at most its acquire timeout, and discards broken ones, so the service reconnects by
// itself when the server comes back. Connecting is bounded too (connect_timeout=3 unless the URL
// sets one), and each statement is (statement_timeout of 10 s).

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store_error.h"

namespace ac {

// A statement's text parameters, $1 upwards in the order added; nullopt is SQL NULL.
class PgParams {
 public:
  PgParams& add(std::string_view value) {
    values_.emplace_back(std::string(value));
    return *this;
  }
  PgParams& add(const std::string& value) { return add(std::string_view(value)); }
  PgParams& add(const char* value) { return add(std::string_view(value)); }
  PgParams& add(std::int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
  }
  PgParams& add(std::optional<std::string> value) {
    values_.push_back(std::move(value));
    return *this;
  }
  PgParams& add(const std::optional<std::int64_t>& value) {
    if (value) return add(*value);
    values_.emplace_back();
    return *this;
  }

  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// An array literal ("{...}") for one parameter, read in SQL with a cast: $2::text[], $3::bigint[],
// $4::float8[]. Every element is quoted, so any text survives; nullopt is NULL.
class PgArray {
 public:
  void push(const std::optional<std::string>& value);
  void push(const std::optional<std::int64_t>& value);
  void push(const std::optional<double>& value);
  std::string literal() const { return literal_ + "}"; }

 private:
  void push_null();
  std::string literal_ = "{";
};

// A statement's rows; values are read as text and converted.
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result) {}

  int rows() const { return PQntuples(result_.get()); }
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  std::optional<double> optional_real(int row, int column) const;

 private:
  struct Clear {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

class PgConnection {
 public:
  // Connects to `conninfo` (a postgresql:// URL or key=value pairs); kUnavailable when the server
  // cannot be reached or refuses the login.
  static std::expected<std::unique_ptr<PgConnection>, StoreError> open(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  std::expected<PgResult, StoreError> exec(const std::string& sql, const PgParams& params = {});
  // Several statements without parameters (a migration step); the last one's result.
  std::expected<PgResult, StoreError> exec_script(const std::string& sql);

  // Connected, no transaction left open, and the server has not hung up meanwhile (checked
  // without a round trip).
  bool reusable();

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  // Takes `result`: rows, or the error it (or the connection) reports.
  std::expected<PgResult, StoreError> outcome(PGresult* result);

  PGconn* conn_;
  bool lost_ = false;
};

class PgPool {
 public:
  // Nothing connects until the first acquire(). kInternal when `conninfo` is malformed.
  static std::expected<std::unique_ptr<PgPool>, StoreError> create(
      std::string conninfo, int size, std::chrono::milliseconds acquire_timeout);

  // A connection for one caller; given back (or discarded, when no longer reusable) when the
  // lease goes. A lease must not outlive its pool.
  class Lease {
   public:
    Lease(PgPool& owner, std::unique_ptr<PgConnection> conn)
        : owner_(&owner), conn_(std::move(conn)) {}
    ~Lease() {
      if (conn_) owner_->give_back(std::move(conn_));
    }
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    PgPool* owner_;
    std::unique_ptr<PgConnection> conn_;
  };

  // kUnavailable when no connection was free within the acquire timeout, or a new one could not
  // be made. Safe to call from many threads.
  std::expected<Lease, StoreError> acquire();

 private:
  PgPool(std::string conninfo, int size, std::chrono::milliseconds acquire_timeout)
      : conninfo_(std::move(conninfo)), size_(size), acquire_timeout_(acquire_timeout) {}
  void give_back(std::unique_ptr<PgConnection> conn);
  void forget_one();

  const std::string conninfo_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // idle, leased, or being made
};

// Runs `body` inside BEGIN ... COMMIT, rolling back when it returns an error.
template <typename T, typename Body>
std::expected<T, StoreError> pg_transaction(PgConnection& conn, Body&& body) {
  if (auto begun = conn.exec("BEGIN"); !begun) return std::unexpected(begun.error());
  std::expected<T, StoreError> result = body();
  if (!result) {
    (void)conn.exec("ROLLBACK");
    return result;
  }
  if (auto committed = conn.exec("COMMIT"); !committed) {
    (void)conn.exec("ROLLBACK");
    return std::unexpected(committed.error());
  }
  return result;
}

}  // namespace ac
