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
  return std::nullopt;
}

}  // namespace ac
