#pragma once

#include <string>
#include <string_view>

namespace ac {

// ASCII lower case; other bytes unchanged.
std::string to_lower(std::string_view text);
// Without leading and trailing whitespace.
std::string trim_whitespace(std::string_view text);
// For HTML text and quoted attribute values: & < > " ' as character references.
std::string html_escape(std::string_view text);

}  // namespace ac
