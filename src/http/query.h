#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ac {

// application/x-www-form-urlencoded, as in query strings and form bodies: '&'-separated
// name=value pairs, '+' for space, %XX escapes. nullopt when an escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view text);

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// The first value of `name`, if any.
std::optional<std::string> form_value(const std::vector<std::pair<std::string, std::string>>& form,
                                      std::string_view name);

}  // namespace ac
