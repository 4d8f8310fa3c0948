#include "util/time_text.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace ac {
namespace {

// Exactly `digits` decimal digits at `text[at]`.
std::optional<int> fixed_number(std::string_view text, std::size_t at, std::size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  int value = 0;
  const char* begin = text.data() + at;
  const auto [end, ec] = std::from_chars(begin, begin + digits, value);
  if (ec != std::errc() || end != begin + digits) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  const auto year = fixed_number(text, 0, 4);
  const auto month = fixed_number(text, 5, 2);
  const auto day = fixed_number(text, 8, 2);
  const auto hour = fixed_number(text, 11, 2);
  const auto minute = fixed_number(text, 14, 2);
  const auto second = fixed_number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':' || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 ||
      *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    std::int64_t scale = 100;
    ++at;
    const std::size_t first_digit = at;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
      millis += (text[at] - '0') * scale;
      scale /= 10;
    }
    if (at == first_digit) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  const std::string_view zone = text.substr(std::min(at, text.size()));
  if (zone == "Z" || zone == "z") {
    offset_seconds = 0;
  } else {
    const auto zone_hour = fixed_number(zone, 1, 2);
    const auto zone_minute = fixed_number(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !zone_hour ||
        !zone_minute || *zone_hour > 23 || *zone_minute > 59) {
      return std::nullopt;
    }
    offset_seconds = (*zone_hour * 3600 + *zone_minute * 60) * (zone[0] == '-' ? -1 : 1);
  }
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  return seconds * 1000 + millis;
}

}  // namespace

std::string rfc3339_ms(std::int64_t unix_ms) {
  const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buffer;
}

std::optional<std::int64_t> parse_time_ms(std::string_view text) {
  // Unix seconds: at most 12 digits, so that the milliseconds cannot overflow.
  if (!text.empty() && text.size() <= 12 &&
      text.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t seconds = 0;
    std::from_chars(text.data(), text.data() + text.size(), seconds);
    return seconds * 1000;
  }
  return parse_rfc3339_ms(text);
}

}  // namespace ac
