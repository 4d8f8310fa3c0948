#include "http/header_check.h"

#include <algorithm>

namespace ac {
namespace {

// tchar, RFC 9110 5.6.2.
bool is_token_char(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

bool is_header_token(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return is_token_char(c); });
}

bool is_safe_header(std::string_view name, std::string_view value) {
  return is_header_token(name) &&
         value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::optional<std::string_view> first_unsafe_header(const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (!is_safe_header(name, value)) return name;
  }
  return std::nullopt;
}

}  // namespace ac
