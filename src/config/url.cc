#include "config/url.h"

#include <algorithm>
#include <cctype>

#include "util/text.h"

namespace ac {
namespace {

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  HttpUrl out;
  out.scheme = to_lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  out.path = authority_end == std::string_view::npos ? "" : std::string(rest.substr(authority_end));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = to_lower(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':') return std::nullopt;
      out.port = authority.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = to_lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.host.find_first_of(" \t\r\n") != std::string::npos) {
    return std::nullopt;
  }
  if (!out.port.empty() && (!is_digits(out.port) || out.port.size() > 5 ||
                            std::stoi(out.port) > 65535 || std::stoi(out.port) == 0)) {
    return std::nullopt;
  }
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) return std::nullopt;
  return out;
}

std::string url_origin(const HttpUrl& url) {
  const bool default_port =
      (url.scheme == "http" && url.port == "80") || (url.scheme == "https" && url.port == "443");
  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string origin = url.scheme + "://" + (ipv6 ? "[" + url.host + "]" : url.host);
  if (!url.port.empty() && !default_port) origin += ":" + url.port;
  return origin;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (!host.starts_with("127.")) return false;
  int parts = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    const auto dot = host.find('.', start);
    const auto part = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_digits(part) || part.size() > 3 || std::stoi(std::string(part)) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool is_allowed_outbound_url(std::string_view url) {
  const auto parsed = parse_http_url(url);
  return parsed && (parsed->scheme == "https" || is_loopback_host(parsed->host));
}

std::string redact_url_password(std::string_view url) {
  std::string out(url);
  const auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const auto authority_start = scheme_end + 3;
    const auto authority_end = out.find_first_of("/?#", authority_start);
    const auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at > authority_start) {
      const auto colon = out.find(':', authority_start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (auto pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const auto value_start = pos + 9;
    const auto value_end = out.find('&', value_start);
    out.replace(value_start,
                (value_end == std::string::npos ? out.size() : value_end) - value_start, "***");
  }
  return out;
}

}  // namespace ac
