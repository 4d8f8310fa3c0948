#pragma once

// Who sent a request: the peer's address, or, when the peer is a trusted proxy
// (FORWARDED_ALLOW_IPS), the address the proxies recorded in X-Forwarded-For. nginx appends the
// address it saw
// ($proxy_add_x_forwarded_for), so the list is read from the right and the first address that is
// not itself a trusted proxy is the client; whatever a client wrote further left is ignored.

#include <string>

#include "http/message.h"
#include "net/address_set.h"

namespace ac {

std::string client_address(const HttpRequest& request, const AddressSet& trusted_proxies);

}  // namespace ac
