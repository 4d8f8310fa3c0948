#include "http/header_check.h"

#include <algorithm>
#include <array>

namespace ac {
namespace {

// One table lookup per character: every response's headers pass through here.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = table[c - 'a' + 'A'] = true;
  for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}();  // tchar, RFC 9110 5.6.2

constexpr std::array<bool, 256> kBreaksValue = [] {
  std::array<bool, 256> table{};
  table['\r'] = table['\n'] = table['\0'] = true;
  return table;
}();

}  // namespace

bool is_header_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return kTokenChars[static_cast<unsigned char>(c)];
  });
}

bool is_safe_header(std::string_view name, std::string_view value) {
  return is_header_token(name) && std::none_of(value.begin(), value.end(), [](char c) {
           return kBreaksValue[static_cast<unsigned char>(c)];
         });
}

std::optional<std::string_view> first_unsafe_header(const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (!is_safe_header(name, value)) return name;
  }
  return std::nullopt;
}

}  // namespace ac
