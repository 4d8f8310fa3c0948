#pragma once

// The status line and header block of a response, written by hand instead of through Beast's
// fields and serializer, which allocated per header and showed in profiles (issue 12).

#include <string>

#include "http/message.h"

namespace ac {

// "HTTP/1.x <status> <reason>\r\n", the response's headers, its preset block, Content-Length (not
// for 1xx, 204 and 304), the Connection header that `keep_alive` needs for `version` (10 or 11),
// and the blank line. The headers must have passed first_unsafe_header.
std::string response_head(const HttpResponse& response, unsigned version, bool keep_alive);

}  // namespace ac
