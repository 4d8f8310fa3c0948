#pragma once

// Numbers that arrive from outside (the provider's JSON and headers), read into a range the
// service can do arithmetic with: a value past either end becomes that end, so an expires_in of
// 2^63-1 is a year, not an overflow (issue 11). JSON integers of either sign, floats and decimal
// strings are read; anything else, NaN and text with trailing characters included, is nullopt.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace ac {

struct IntegerRange {
  std::int64_t min;
  std::int64_t max;
};

struct RealRange {
  double min;
  double max;
};

std::optional<std::int64_t> bounded_integer(const nlohmann::json& value, IntegerRange range);
std::optional<std::int64_t> bounded_integer(std::string_view text, IntegerRange range);
std::optional<double> bounded_real(const nlohmann::json& value, RealRange range);

}  // namespace ac
