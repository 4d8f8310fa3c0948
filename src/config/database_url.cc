#include "config/database_url.h"

#include "config/url.h"

namespace ac {

std::expected<DatabaseUrl, std::string> parse_database_url(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:///";
  DatabaseUrl parsed;
  if (url.starts_with(kSqlite) && url.size() > kSqlite.size()) {
    parsed.kind = DatabaseUrl::Kind::kSqlite;
    parsed.sqlite_path = std::string(url.substr(kSqlite.size()));
    return parsed;
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    parsed.kind = DatabaseUrl::Kind::kPostgres;
    parsed.postgres_conninfo = std::string(url);
    return parsed;
  }
  return std::unexpected("DATABASE_URL must be sqlite:///PATH or postgresql://... (got \"" +
                         redact_url_password(url) + "\")");
}

}  // namespace ac
