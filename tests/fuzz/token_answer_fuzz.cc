// The token endpoint's answer (src/oauth/provider_client: parse_token_answer): any status and
// body must give a grant or an error, with expires_in always within 0..kMaxExpiresInSeconds.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oauth/provider_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the status: mostly 200, else one of the others a provider sends.
  constexpr long kStatuses[] = {200, 400, 401, 429, 500, 503, 302, 204};
  const long status = kStatuses[data[0] % std::size(kStatuses)];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto grant = ac::parse_token_answer(status, body);
  if (grant && (grant->expires_in < 0 || grant->expires_in > ac::kMaxExpiresInSeconds ||
                grant->access_token.empty())) {
    std::abort();
  }
  return 0;
}
