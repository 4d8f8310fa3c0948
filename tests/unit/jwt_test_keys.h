#pragma once

// Keys and tokens for the auth unit tests: RSA-2048 and EC P-256 key pairs made with OpenSSL,
// their public halves as PEM and as JWK, and JWS tokens signed with them or with an HMAC secret.

#include <openssl/evp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ac::testing {

std::string b64url(std::string_view bytes);

class TestKey {
 public:
  static TestKey rsa();
  static TestKey p256();

  std::string public_pem() const;
  nlohmann::json jwk(std::string_view kid) const;
  // header: at least alg (RS256 for RSA keys, ES256 for EC ones; other algs sign as those).
  std::string sign(const nlohmann::json& header, const nlohmann::json& claims) const;

 private:
  explicit TestKey(EVP_PKEY* key) : key_(key, EVP_PKEY_free) {}
  std::shared_ptr<EVP_PKEY> key_;
};

std::string hs256_token(const nlohmann::json& header, const nlohmann::json& claims,
                        std::string_view secret);

}  // namespace ac::testing
