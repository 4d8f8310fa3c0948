#pragma once

// JSON text written directly, for the hot paths (access-log lines, authorize's answer) where
// nlohmann's general serializer shows in profiles.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ac {

// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, valid UTF-8
// as it is, and each ill-formed UTF-8 sequence replaced by U+FFFD (as nlohmann's
// error_handler_t::replace does), so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

// Appends a number as nlohmann writes it; a double that is not finite as null.
void append_json_number(std::string& out, std::int64_t number);
void append_json_number(std::string& out, std::uint64_t number);
void append_json_number(std::string& out, double number);

// Appends any JSON value: strings, numbers, booleans and null directly; arrays and objects through
// nlohmann (with the same replacement). A number that is not finite is written as null.
void append_json_value(std::string& out, const nlohmann::json& value);

}  // namespace ac
