#include "redis/redis_url.h"

#include <openssl/crypto.h>

#include <charconv>

namespace ac {
namespace {

// A number in [min, max] written with digits only.
std::optional<int> parse_int(std::string_view text, int min, int max) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.front() == '-' || ec != std::errc() || ptr != end) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      OPENSSL_cleanse(out.data(), out.capacity());
      return std::nullopt;
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::unexpected<std::string> refuse(std::string_view why) {
  return std::unexpected("bad Redis URL: " + std::string(why));
}

}  // namespace

std::expected<RedisUrl, std::string> parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.starts_with("rediss://")) {
    return refuse(
        "rediss:// (TLS) is not supported: this build's hiredis 0.14 has no TLS; use redis:// "
        "over loopback, a private network or a TLS tunnel");
  }
  if (!url.starts_with(kScheme)) return refuse("the scheme must be redis://");
  std::string_view rest = url.substr(kScheme.size());

  RedisUrl parsed;
  // The last '@' ends the user information, so that a password may hold '@', '/' or '?' as is.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return refuse("a user needs a password: redis://user:password@host");
    }
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!password) return refuse("bad percent-encoding in the password");
    parsed.password = Secret(*password);
    OPENSSL_cleanse(password->data(), password->capacity());
    if (colon > 0) {
      auto username = percent_decode(userinfo.substr(0, colon));
      if (!username) return refuse("bad percent-encoding in the user name");
      parsed.username = std::move(*username);
    }
    if (parsed.password.empty()) return refuse("the password is empty");
  }

  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (authority.find_first_of("?#") != std::string_view::npos ||
      path.find_first_of("?#") != std::string_view::npos) {
    return refuse("query parameters and fragments are not supported");
  }

  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return refuse("unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return refuse("junk after the IPv6 host");
    if (!after.empty()) port = after.substr(1);
    if (after == ":") return refuse("the port must be 1-65535");
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return refuse("the port must be 1-65535");
  }
  if (host.empty()) return refuse("the host is missing");
  parsed.host = std::string(host);

  if (!port.empty()) {
    const auto number = parse_int(port, 1, 65535);
    if (!number) return refuse("the port must be 1-65535");
    parsed.port = *number;
  }
  if (!path.empty()) {
    const auto db = parse_int(path, 0, 1 << 30);
    if (!db) return refuse("the database must be a number, as in redis://host:6379/0");
    parsed.db = *db;
  }
  return parsed;
}

}  // namespace ac
