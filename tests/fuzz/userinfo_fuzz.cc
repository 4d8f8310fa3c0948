// The user-info endpoint's answer (src/auth/userinfo_client, user_claims): any status and body go
// through UserInfoClient::lookup as the endpoint's reply. Only a 200 with a JSON user may give a
// user, and then one with an id; 401 and 403 are refusals; anything else is unavailable.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/user_claims.h"
#include "auth/userinfo_client.h"
#include "obs/log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (ac::log::set_level("error"), true);  // bad answers log warnings
  (void)quiet;
  if (size < 1) return 0;
  // The first byte picks the status: mostly 200, else one of the others an endpoint sends.
  constexpr long kStatuses[] = {200, 200, 200, 401, 403, 500, 302, 204};
  const long status = kStatuses[data[0] % std::size(kStatuses)];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  ac::UserInfoClient client(
      ac::UserInfoOptions{.url = "https://platform.example/api/v1/auth/me", .cache_seconds = 0},
      [&](const ac::OutboundRequest&) -> std::expected<ac::OutboundResponse, ac::TransportFailure> {
        return ac::OutboundResponse{status, {}, std::string(body)};
      });
  const auto user = client.lookup("fuzz-token", std::nullopt, 1'800'000'000);

  if (status == 401 || status == 403) {
    if (user || user.error() != ac::UserInfoError::kRefused) std::abort();
    return 0;
  }
  if (status != 200) {
    if (user || user.error() != ac::UserInfoError::kUnavailable) std::abort();
    return 0;
  }
  const auto expected = ac::user_from_json(nlohmann::json::parse(body, nullptr, false));
  if (user.has_value() != expected.has_value()) std::abort();
  if (user && (user->id.empty() || user->id != expected->id)) std::abort();
  if (!user && user.error() != ac::UserInfoError::kUnavailable) std::abort();
  return 0;
}
