#include "http/query.h"

#include "util/utf8.h"

namespace ac {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class BadEscape { kRefuse, kKeep };

std::optional<std::string> decode(std::string_view text, bool plus_is_space, BadEscape bad) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else if (bad == BadEscape::kKeep) {
        out.push_back(c);
      } else {
        return std::nullopt;
      }
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Form> split_form(std::string_view text, BadEscape bad) {
  Form out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = decode(pair.substr(0, eq), true, bad);
    auto value = decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true, bad);
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  return decode(text, plus_is_space, BadEscape::kRefuse);
}

std::optional<Form> parse_form(std::string_view text) {
  return split_form(text, BadEscape::kRefuse);
}

Form parse_query(std::string_view text) {
  Form form = split_form(text, BadEscape::kKeep).value_or(Form{});
  for (auto& [name, value] : form) {
    name = valid_utf8(name);
    value = valid_utf8(value);
  }
  return form;
}

std::optional<std::string> form_value(const Form& form, std::string_view name) {
  std::optional<std::string> last;
  for (const auto& [key, value] : form) {
    if (key == name) last = value;
  }
  return last;
}

}  // namespace ac
