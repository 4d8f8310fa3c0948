#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ac {

struct HttpUrl {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets for IPv6
  std::string port;    // empty when absent
  std::string path;    // from the first '/', query included; may be empty
};

// Accepts absolute http and https URLs with a host; nullopt otherwise.
std::optional<HttpUrl> parse_http_url(std::string_view url);

// scheme://host[:port] as a browser writes an origin (RFC 6454): IPv6 hosts in brackets, the
// scheme's default port left out.
std::string url_origin(const HttpUrl& url);

// localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

// https anywhere, or plain http to a loopback host (CONTRACT.md section 3).
bool is_allowed_outbound_url(std::string_view url);

// Replaces the password of scheme://user:password@host and any password= query value with "***".
std::string redact_url_password(std::string_view url);

}  // namespace ac
