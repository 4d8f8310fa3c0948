#pragma once

// A request Boost.Beast has parsed, as the plain HttpRequest handlers see: the target split at
// '?', header names in lower case. The server and the HTTP request fuzz target both convert with
// this, so the fuzzer reaches exactly what the server hands to the app.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "http/message.h"

namespace ac {

HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                       std::string peer_address);

}  // namespace ac
