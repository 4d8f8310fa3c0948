#include "util/bounded_number.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace ac {
namespace {

std::optional<double> parse_real(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || end != text.data() + text.size()) return std::nullopt;
  if (error == std::errc::result_out_of_range) {
    return text.starts_with('-') ? -HUGE_VAL : HUGE_VAL;  // magnitude too large for a double
  }
  if (error != std::errc()) return std::nullopt;
  return value;
}

std::optional<double> real_of(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) return parse_real(value.get_ref<const std::string&>());
  return std::nullopt;
}

std::int64_t clamp_real(double value, IntegerRange range) {
  // Compared as doubles first: converting a double outside int64_t's range is undefined.
  if (value <= static_cast<double>(range.min)) return range.min;
  if (value >= static_cast<double>(range.max)) return range.max;
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::optional<std::int64_t> bounded_integer(std::string_view text, IntegerRange range) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || end != text.data() + text.size()) return std::nullopt;
  if (error == std::errc::result_out_of_range) {
    return text.starts_with('-') ? range.min : range.max;
  }
  if (error != std::errc()) return std::nullopt;
  return std::clamp(value, range.min, range.max);
}

std::optional<std::int64_t> bounded_integer(const nlohmann::json& value, IntegerRange range) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return range.max;
    }
    return std::clamp(static_cast<std::int64_t>(number), range.min, range.max);
  }
  if (value.is_number_integer()) {
    return std::clamp(value.get<std::int64_t>(), range.min, range.max);
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (auto integer = bounded_integer(std::string_view(text), range)) return integer;
  }
  const auto real = real_of(value);
  if (!real || std::isnan(*real)) return std::nullopt;
  return clamp_real(*real, range);
}

std::optional<double> bounded_real(const nlohmann::json& value, RealRange range) {
  const auto real = real_of(value);
  if (!real || std::isnan(*real)) return std::nullopt;
  return std::clamp(*real, range.min, range.max);
}

}  // namespace ac
