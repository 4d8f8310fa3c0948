#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ac {

using Form = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded, as in query strings and form bodies: '&'-separated
// name=value pairs, '+' for space, %XX escapes. nullopt when an escape is malformed.
std::optional<Form> parse_form(std::string_view text);

// A request's query string as Starlette reads it (Python's parse_qsl): never refused, a malformed
// %XX escape is kept as it is and bytes that are not UTF-8 become U+FFFD.
Form parse_query(std::string_view text);

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// The last value of `name`, if any: a name given twice counts with its last value, as in Starlette.
std::optional<std::string> form_value(const Form& form, std::string_view name);

}  // namespace ac
