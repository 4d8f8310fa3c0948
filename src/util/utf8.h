#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ac {

// The sequence at the start of non-empty `text`: a well-formed UTF-8 sequence of `length` bytes
// (Unicode table 3-7), or an ill-formed one whose maximal subpart (the lead and the continuation
// bytes that still fitted) is `length` bytes long, to be replaced by one U+FFFD as Unicode
// recommends (and Python and nlohmann do).
struct Utf8Sequence {
  std::size_t length;
  bool well_formed;
};
Utf8Sequence utf8_sequence(std::string_view text);

// `bytes` as UTF-8 with every ill-formed sequence replaced by U+FFFD (one per maximal subpart,
// as Python's bytes.decode("utf-8", errors="replace") does, which is how Starlette reads a query).
std::string valid_utf8(std::string_view bytes);

// The number of code points (characters, as Python's len() counts them) in valid UTF-8 text.
std::size_t code_points(std::string_view utf8);

}  // namespace ac
