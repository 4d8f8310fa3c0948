#include "http/message.h"

#include <strings.h>

namespace ac {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

void HttpResponse::set_header(std::string_view name, std::string value) {
  for (auto& [existing, existing_value] : headers) {
    if (same_name(existing, name)) {
      existing_value = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [existing, value] : headers) {
    if (same_name(existing, name)) return value;
  }
  for (std::string_view rest = preset_headers; !rest.empty();) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    const auto colon = line.find(": ");
    if (colon != std::string_view::npos && same_name(line.substr(0, colon), name)) {
      return line.substr(colon + 2);
    }
  }
  return std::nullopt;
}

}  // namespace ac
