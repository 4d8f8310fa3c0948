#include "http/client_address.h"

#include "util/text.h"

namespace ac {

std::string client_address(const HttpRequest& request, const AddressSet& trusted_proxies) {
  if (!trusted_proxies.contains(request.peer_address)) return request.peer_address;
  const auto forwarded = request.header("x-forwarded-for");
  if (!forwarded) return request.peer_address;
  std::string client = request.peer_address;
  std::string_view rest = *forwarded;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    std::string hop =
        trim_whitespace(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!parse_ip(hop)) break;  // not an address: nothing left of it can be believed
    client = std::move(hop);
    if (!trusted_proxies.contains(client)) break;
  }
  // Every hop trusted (FORWARDED_ALLOW_IPS=*): the leftmost address is the client.
  return client;
}

}  // namespace ac
