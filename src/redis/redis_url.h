#pragma once

// REDIS_URL: redis://[[user]:password@]host[:port][/db]. The user and password are
// percent-decoded; the port defaults to 6379 and the database to 0. rediss:// is refused: Debian
// 12's hiredis (0.14) has no TLS. An error is one line that never contains the password.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret.h"

namespace ac {

struct RedisUrl {
  std::string host;  // without brackets for IPv6
  int port = 6379;
  int db = 0;
  std::optional<std::string> username;  // only with a password (Redis 6 ACL users)
  Secret password;                      // empty: no AUTH
};

std::expected<RedisUrl, std::string> parse_redis_url(std::string_view url);

}  // namespace ac
