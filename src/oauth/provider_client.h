#pragma once

// The OAuth 2.0 side of the provider (CONTRACT.md section 3): the authorize URL, the code exchange
// (never replayed once sent), refresh and revocation (RFC 7009). Client credentials go in the
// form body. Blocking: call it off the I/O threads.

#include <expected>
#include <string>

#include "config/settings.h"
#include "crypto/pkce.h"
#include "crypto/secret.h"
#include "net/http_client.h"

namespace ac {

// expires_in as read from the provider is clamped to 0..kMaxExpiresInSeconds, so that adding it
// to a time cannot overflow; absent or unreadable, it is kDefaultExpiresInSeconds.
inline constexpr std::int64_t kDefaultExpiresInSeconds = 3600;
inline constexpr std::int64_t kMaxExpiresInSeconds = 365 * 24 * 3600;

struct TokenGrant {
  Secret access_token;
  Secret refresh_token;  // empty when the provider sent none
  std::int64_t expires_in = kDefaultExpiresInSeconds;
  std::string user_id;  // empty when no source named one
};

enum class ProviderFailure {
  kUnavailable,  // unreachable, timed out, 5xx, 429, or an answer that is not the JSON expected
  kRejected,     // a 4xx OAuth error such as invalid_grant or invalid_client
};

struct ProviderError {
  ProviderFailure kind;
  std::string reason;       // for the log: status, OAuth error code, transport message
  std::string oauth_error;  // "invalid_grant" and the like, when the provider said so
};

// The token endpoint's answer: a 4xx (not 429) with an OAuth "error" is kRejected; anything else
// but a 200 JSON object holding an access token (or actor_access_token) is kUnavailable. user_id
// is the answer's user_id, else its id_token's sub, else empty.
std::expected<TokenGrant, ProviderError> parse_token_answer(long status, std::string_view body);

class ProviderClient {
 public:
  ProviderClient(const Settings& settings, HttpClient& http);

  std::string authorize_url(std::string_view state, std::string_view code_challenge) const;

  // The grant's user_id is the token response's user_id, else its id_token's sub, else empty:
  // then customer_id() names it.
  std::expected<TokenGrant, ProviderError> exchange_code(std::string_view code,
                                                         const PkceVerifier& verifier);
  // The account's id from /1.0/customer/information.
  std::expected<std::string, ProviderError> customer_id(const Secret& access_token);
  std::expected<TokenGrant, ProviderError> refresh(const Secret& refresh_token);
  std::expected<void, ProviderError> revoke(const Secret& token, std::string_view type_hint);

 private:
  std::expected<TokenGrant, ProviderError> token_request(std::string body);

  const Settings& settings_;
  HttpClient& http_;
  // The authorize URL's constant parts, encoded once: the URL is
  // prefix + state + middle + code_challenge + suffix, its parameters in the order of RFC 6749's
  // examples (client_id, response_type, redirect_uri, state, scope, code_challenge, method).
  std::string authorize_prefix_;
  std::string authorize_middle_;
  std::string authorize_suffix_;
};

}  // namespace ac
