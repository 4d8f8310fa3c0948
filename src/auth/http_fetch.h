#pragma once

// How the auth classes reach the network: HttpClient::send in the service, a function in the
// unit tests. Blocking; must be thread-safe.

#include <expected>
#include <functional>

#include "net/http_client.h"

namespace ac {

using HttpFetch =
    std::function<std::expected<OutboundResponse, TransportFailure>(const OutboundRequest&)>;

}  // namespace ac
