#include "sandbox/control_fields.h"

#include <limits>

namespace ac::sandbox {

std::expected<std::int64_t, std::string> integer_field(const nlohmann::json& spec, const char* name,
                                                       std::int64_t fallback, std::int64_t min,
                                                       std::int64_t max) {
  const auto it = spec.find(name);
  if (it == spec.end()) return fallback;
  const bool fits = it->is_number_integer() &&
                    !(it->is_number_unsigned() &&
                      it->get<std::uint64_t>() >
                          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  if (fits && it->get<std::int64_t>() >= min && it->get<std::int64_t>() <= max) {
    return it->get<std::int64_t>();
  }
  return std::unexpected(std::string(name) + " must be an integer from " + std::to_string(min) +
                         " to " + std::to_string(max));
}

std::expected<std::string, std::string> text_field(const nlohmann::json& spec, const char* name,
                                                   std::string fallback) {
  const auto it = spec.find(name);
  if (it == spec.end()) return fallback;
  if (!it->is_string()) return std::unexpected(std::string(name) + " must be a string");
  return it->get<std::string>();
}

}  // namespace ac::sandbox
