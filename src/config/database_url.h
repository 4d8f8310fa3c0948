#pragma once

// DATABASE_URL (CONTRACT.md section 7), parsed once at start: which store family and where.

#include <expected>
#include <string>
#include <string_view>

namespace ac {

struct DatabaseUrl {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string sqlite_path;  // kSqlite: the file
  // kPostgres: the URL as given, handed to libpq whole, so that whatever libpq accepts
  // (sslmode, host lists, a password or none, PGPASSWORD) works. Holds a password: never log it.
  std::string postgres_conninfo;
};

// sqlite:///PATH, postgresql://... or postgres://...; the error names the variable and never
// shows a password.
std::expected<DatabaseUrl, std::string> parse_database_url(std::string_view url);

}  // namespace ac
