#include "store/pg_connection.h"

#include <algorithm>
#include <charconv>

namespace ac {
namespace {

constexpr const char* kConnectTimeoutSeconds = "3";
constexpr const char* kStatementTimeout = "SET statement_timeout = '10s'";

// The connection is gone or going: class 08 (connection exception), 57P01 admin_shutdown,
// 57P02 crash_shutdown, 57P03 cannot_connect_now.
bool is_connection_lost(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

StoreErrorKind kind_of(std::string_view sqlstate) {
  if (is_connection_lost(sqlstate)) return StoreErrorKind::kUnavailable;
  // Serialization failure, deadlock, and a unique key that a concurrent writer took first.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505") {
    return StoreErrorKind::kConflict;
  }
  return StoreErrorKind::kInternal;
}

// libpq's text as one log line: whitespace runs become one space, and neither the password nor a
// password=... fragment survives (libpq does not echo them today; this keeps it so).
std::string log_line(std::string_view text, std::string_view password) {
  std::string line;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (line.empty() || line.back() == ' ')) continue;
    line += space ? ' ' : c;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (!password.empty()) {
    for (auto at = line.find(password); at != std::string::npos; at = line.find(password, at + 3)) {
      line.replace(at, password.size(), "***");
    }
  }
  constexpr std::string_view kKey = "password=";
  for (auto at = line.find(kKey); at != std::string::npos; at = line.find(kKey, at)) {
    at += kKey.size();
    const auto end = line.find_first_of(" &'\"", at);
    line.replace(at, (end == std::string::npos ? line.size() : end) - at, "***");
  }
  return line;
}

// The password that `conninfo` carries, if any; empty when none or when it does not parse.
std::string password_of(const std::string& conninfo) {
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string password;
  for (auto* option = options; option != nullptr && option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
      password = option->val;
    }
  }
  PQconninfoFree(options);
  return password;
}

template <typename T>
T parse_number(const char* text) {
  T value{};
  const std::string_view view(text);
  std::from_chars(view.data(), view.data() + view.size(), value);
  return value;
}

void append_quoted(std::string& literal, std::string_view value) {
  if (literal.size() > 1) literal += ',';
  literal += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') literal += '\\';
    literal += c;
  }
  literal += '"';
}

}  // namespace

void PgArray::push_null() {
  if (literal_.size() > 1) literal_ += ',';
  literal_ += "NULL";
}

void PgArray::push(const std::optional<std::string>& value) {
  if (value) return append_quoted(literal_, *value);
  push_null();
}

void PgArray::push(const std::optional<std::int64_t>& value) {
  if (value) return append_quoted(literal_, std::to_string(*value));
  push_null();
}

void PgArray::push(const std::optional<double>& value) {
  if (!value) return push_null();
  char buffer[32];  // the shortest text that reads back as the same double
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, *value).ptr;
  append_quoted(literal_, std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

std::int64_t PgResult::affected() const {
  return parse_number<std::int64_t>(PQcmdTuples(result_.get()));
}

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t PgResult::integer(int row, int column) const {
  return parse_number<std::int64_t>(PQgetvalue(result_.get(), row, column));
}

std::optional<std::string> PgResult::optional_text(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return text(row, column);
}

std::optional<std::int64_t> PgResult::optional_integer(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return integer(row, column);
}

std::optional<double> PgResult::optional_real(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
  return parse_number<double>(PQgetvalue(result_.get(), row, column));
}

std::expected<std::unique_ptr<PgConnection>, StoreError> PgConnection::open(
    const std::string& conninfo) {
  // Later keywords win, and the URL comes last: it may set its own connect_timeout.
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    StoreError error{
        "cannot connect to PostgreSQL: " +
            log_line(conn ? PQerrorMessage(conn) : "out of memory", password_of(conninfo)),
        StoreErrorKind::kUnavailable};
    PQfinish(conn);
    return std::unexpected(std::move(error));
  }
  std::unique_ptr<PgConnection> connection(new PgConnection(conn));
  if (auto set = connection->exec(kStatementTimeout); !set) return std::unexpected(set.error());
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

std::expected<PgResult, StoreError> PgConnection::exec(const std::string& sql,
                                                       const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& value : params.values()) values.push_back(value ? value->c_str() : nullptr);
  PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, /*resultFormat=*/0);
  return outcome(result);
}

std::expected<PgResult, StoreError> PgConnection::exec_script(const std::string& sql) {
  return outcome(PQexec(conn_, sql.c_str()));
}

std::expected<PgResult, StoreError> PgConnection::outcome(PGresult* result) {
  const auto status = PQresultStatus(result);
  if (result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) {
    return PgResult(result);
  }
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";  // outlives the result
  lost_ = lost_ || PQstatus(conn_) != CONNECTION_OK || is_connection_lost(sqlstate);
  // The primary message only: DETAIL lines can quote row values, tokens among them.
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = log_line(primary ? primary : PQerrorMessage(conn_), "");
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  PQclear(result);
  return std::unexpected(
      StoreError{std::move(message), lost_ ? StoreErrorKind::kUnavailable : kind_of(sqlstate)});
}

bool PgConnection::reusable() {
  if (lost_) return false;
  // Reads whatever the server sent while the connection sat idle: after a shutdown, its goodbye
  // and the end of the stream, which turn the status bad.
  PQconsumeInput(conn_);
  lost_ = PQstatus(conn_) != CONNECTION_OK;
  return !lost_ && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

std::expected<std::unique_ptr<PgPool>, StoreError> PgPool::create(
    std::string conninfo, int size, std::chrono::milliseconds acquire_timeout) {
  // libpq's parse errors quote the offending text, which may be the password: not shown.
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  if (options == nullptr) {
    return std::unexpected(StoreError{"the PostgreSQL URL is malformed (libpq cannot parse it)"});
  }
  PQconninfoFree(options);
  return std::unique_ptr<PgPool>(
      new PgPool(std::move(conninfo), std::max(1, size), acquire_timeout));
}

std::expected<PgPool::Lease, StoreError> PgPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (conn->reusable()) return Lease(*this, std::move(conn));
      conn.reset();
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      auto conn = PgConnection::open(conninfo_);
      if (!conn) {
        forget_one();
        return std::unexpected(conn.error());
      }
      return Lease(*this, std::move(*conn));
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return std::unexpected(
          StoreError{"no database connection free in time", StoreErrorKind::kUnavailable});
    }
  }
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn) {
  if (!conn->reusable()) {
    conn.reset();
    return forget_one();
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(conn));
  changed_.notify_one();
}

void PgPool::forget_one() {
  std::lock_guard lock(mutex_);
  --open_;
  changed_.notify_one();
}

}  // namespace ac
