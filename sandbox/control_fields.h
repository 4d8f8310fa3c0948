#pragma once

// Fields of the JSON specs that the /_sandbox/ controls take, read strictly: a wrong type or a
// number out of range is an error that names the field, never an exception or a wrapped value.

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

namespace ac::sandbox {

// An integer within [min, max]; `fallback` when the field is absent.
std::expected<std::int64_t, std::string> integer_field(const nlohmann::json& spec, const char* name,
                                                       std::int64_t fallback, std::int64_t min,
                                                       std::int64_t max);
// A string; `fallback` when the field is absent.
std::expected<std::string, std::string> text_field(const nlohmann::json& spec, const char* name,
                                                   std::string fallback);

}  // namespace ac::sandbox
