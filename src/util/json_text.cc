#include "util/json_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "util/utf8.h"

namespace ac {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Bytes written as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}

constexpr auto kPlain = make_plain_table();

// Whether any of 8 bytes is not plain: below 0x20, the quote, the backslash, or 0x80 and above.
// (The "has a byte less than" and "has a zero byte" tests of Hacker's Delight 6-1; both are exact
// about whether there is one.) Long runs of plain text, such as a URL, go 8 bytes at a time.
bool has_special_byte(const char* bytes) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHighs = 0x8080808080808080u;
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v; };
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word;
  const std::uint64_t quote = has_zero(word ^ (kOnes * '"'));
  const std::uint64_t backslash = has_zero(word ^ (kOnes * '\\'));
  return ((below_space | quote | backslash | word) & kHighs) != 0;
}

template <typename Number>
void append_number(std::string& out, Number number) {
  std::array<char, 32> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  out.append(buffer.data(), result.ptr);
}

// A number of whole thousandths from 0 to below 10^5, such as the access line's duration in
// milliseconds rounded to microseconds, written as std::to_chars writes it (the shortest text;
// checked for every such number) without its general search. False for any other number.
bool append_thousandths(std::string& out, double number) {
  if (!(number >= 0 && number < 1e5) || std::signbit(number)) return false;
  const auto thousandths = static_cast<std::int64_t>(number * 1000 + 0.5);
  if (static_cast<double>(thousandths) / 1000 != number) return false;
  append_number(out, thousandths / 1000);
  if (const auto fraction = static_cast<int>(thousandths % 1000); fraction != 0) {
    const char digits[] = {'.', static_cast<char>('0' + fraction / 100),
                           static_cast<char>('0' + fraction / 10 % 10),
                           static_cast<char>('0' + fraction % 10)};
    std::size_t length = sizeof digits;
    while (digits[length - 1] == '0') --length;
    out.append(digits, length);
  }
  return true;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    while (run + 8 <= text.size() && !has_special_byte(text.data() + run)) run += 8;
    while (run < text.size() && kPlain[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
    } else {
      const auto sequence = utf8_sequence(text.substr(i));
      if (sequence.well_formed) {
        out.append(text.data() + i, sequence.length);
      } else {
        out += kReplacement;
      }
      i += sequence.length;
    }
  }
  out.push_back('"');
}

void append_json_number(std::string& out, std::int64_t number) { append_number(out, number); }

void append_json_number(std::string& out, std::uint64_t number) { append_number(out, number); }

void append_json_number(std::string& out, double number) {
  if (append_thousandths(out, number)) return;
  if (std::isfinite(number)) {
    append_number(out, number);
  } else {
    out += "null";
  }
}

void append_json_value(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case nlohmann::json::value_t::number_integer:
      append_json_number(out, value.get<std::int64_t>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      append_json_number(out, value.get<std::uint64_t>());
      return;
    case nlohmann::json::value_t::number_float:
      append_json_number(out, value.get<double>());
      return;
    case nlohmann::json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::null:
      out += "null";
      return;
    default:
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
  }
}

}  // namespace ac
