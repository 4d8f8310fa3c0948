#pragma once

// What the server lets out as a response header: a name that is an RFC 9110 token and a value
// without CR, LF or NUL, so that no handler can split a response or inject a header line.

#include <optional>
#include <string_view>

#include "http/message.h"

namespace ac {

bool is_safe_header(std::string_view name, std::string_view value);

// A non-empty RFC 9110 token: what a header name or a method may be.
bool is_header_token(std::string_view text);

// The name of the first header that is not safe (for the log), or nullopt when all are.
std::optional<std::string_view> first_unsafe_header(const HeaderList& headers);

}  // namespace ac
