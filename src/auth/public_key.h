#pragma once

// A public key that verifies JWS signatures: RSA for RS256, EC P-256 for ES256, read from a PEM
// file or from a JWK (RFC 7517/7518). A key verifies only the algorithm of its own type, so a
// token can never have an RSA key's bytes used as an HMAC secret, nor an EC key used for RS256.
// Immutable after creation; thread-safe.

#include <openssl/evp.h>

#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ac {

enum class KeyType { kRsa, kEcP256 };

// The key type a JWS alg needs; nullopt for every alg we do not verify with a public key
// (HS256 included).
std::optional<KeyType> public_key_type_for(std::string_view alg);

class PublicKey {
 public:
  // An RSA or EC P-256 public key in PEM (SubjectPublicKeyInfo).
  static std::expected<PublicKey, std::string> from_pem(std::string_view pem);
  // A JWK with kty RSA (n, e) or EC (crv P-256, x, y). A JWK whose `alg` or `use` says it is not
  // an RS256/ES256 signing key of its own type is refused.
  static std::expected<PublicKey, std::string> from_jwk(const nlohmann::json& jwk);

  KeyType type() const { return type_; }
  const std::string& kid() const { return kid_; }  // empty when the key has none (PEM)
  // The DER SubjectPublicKeyInfo: equal for equal keys.
  const std::string& der() const { return der_; }

  // True when `signature` (as a JWS carries it) is this key's signature of `signed_part` under
  // `alg`; always false when alg is not this key's type.
  bool verifies(std::string_view alg, std::string_view signed_part,
                std::string_view signature) const;

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> key, KeyType type, std::string kid);

  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
  std::string kid_;
  std::string der_;
};

}  // namespace ac
