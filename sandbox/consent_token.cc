#include "sandbox/consent_token.h"

#include <openssl/crypto.h>

#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"
#include "crypto/random.h"

namespace ac::sandbox {
namespace {

// Each field with its length in front, so that no two requests share a message.
std::string message_of(const AuthorizeRequest& r) {
  std::string message;
  for (const auto* field : {&r.client_id, &r.redirect_uri, &r.response_type, &r.state, &r.scope,
                            &r.code_challenge, &r.code_challenge_method}) {
    message += std::to_string(field->size()) + ":" + *field;
  }
  return message;
}

}  // namespace

ConsentTokens::ConsentTokens() { fill_random(key_); }

std::string ConsentTokens::issue(const AuthorizeRequest& request) const {
  const std::string message = message_of(request);
  const auto mac = hmac_sha256(
      key_, std::span(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()));
  return base64url::encode(mac, base64url::Padding::kStrip);
}

bool ConsentTokens::valid(const AuthorizeRequest& request, std::string_view token) const {
  const std::string expected = issue(request);
  return token.size() == expected.size() &&
         CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

}  // namespace ac::sandbox
