#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ac {

// `bytes` as UTF-8 with every ill-formed sequence replaced by U+FFFD (one per maximal subpart,
// as Python's bytes.decode("utf-8", errors="replace") does, which is how Starlette reads a query).
std::string valid_utf8(std::string_view bytes);

// The number of code points (characters, as Python's len() counts them) in valid UTF-8 text.
std::size_t code_points(std::string_view utf8);

}  // namespace ac
