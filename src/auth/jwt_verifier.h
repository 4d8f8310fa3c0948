#pragma once

// Verifies the platform's JWTs: HS256 with JWT_SECRET_KEY, RS256 or ES256 with the PEM public key
// of JWT_PUBLIC_KEY_FILE. The algorithm a token may use follows from the configured key, never
// from the token: `alg: none` and an HS256 token made with the public key's bytes both fail.

#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/user.h"
#include "crypto/secret.h"
#include "crypto/sha256.h"

namespace ac {

enum class JwtError {
  kMalformed,         // not three base64url parts of JSON
  kAlgorithmRefused,  // alg not one the configured keys allow
  kBadSignature,
  kExpired,      // exp (60 s leeway) past, or missing
  kNotYetValid,  // nbf in the future
  kWrongIssuer,
  kWrongAudience,
  kNoSubject,
};

std::string_view describe(JwtError error);

struct JwtOptions {
  Secret hs256_secret;         // empty: HS256 refused
  std::string public_key_pem;  // empty: RS256/ES256 refused
  std::string issuer;          // empty: not checked
  std::string audience;        // empty: not checked
  std::int64_t leeway_seconds = 60;
};

// What a valid token said: its user and the times it must be checked against on every use.
struct VerifiedToken {
  User user;
  double expires = 0;
  std::optional<double> not_before;
};

// Tokens that verified, by SHA-256 of their text: clients send the same JWT for many requests,
// and its signature and claims cannot change, so only its times need checking again.
class VerifiedTokenCache {
 public:
  std::optional<VerifiedToken> find(const Sha256Digest& digest);
  void insert(const Sha256Digest& digest, const VerifiedToken& token);

 private:
  static constexpr std::size_t kMaxEntries = 10'000;
  std::mutex mutex_;
  std::unordered_map<Sha256Digest, VerifiedToken, Sha256DigestHash> entries_;
};

class JwtVerifier {
 public:
  // Fails when the PEM key is neither RSA nor EC P-256.
  static std::expected<JwtVerifier, std::string> create(JwtOptions options);

  // The user the token names, whatever its is_active says; the caller decides what inactive means.
  std::expected<User, JwtError> verify(std::string_view token, std::int64_t now) const;

 private:
  struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  enum class PublicKeyKind { kNone, kRsa, kEcP256 };

  // Longer Authorization values are refused before any work.
  static constexpr std::size_t kMaxTokenSize = 8192;

  JwtVerifier() = default;
  std::expected<VerifiedToken, JwtError> verify_uncached(std::string_view token,
                                                         std::int64_t now) const;
  std::optional<JwtError> check_times(double expires, std::optional<double> not_before,
                                      std::int64_t now) const;
  bool signature_matches(std::string_view alg, std::string_view signed_part,
                         std::string_view signature) const;

  JwtOptions options_;
  std::shared_ptr<EVP_PKEY> public_key_;
  PublicKeyKind public_key_kind_ = PublicKeyKind::kNone;
  std::shared_ptr<VerifiedTokenCache> cache_;
};

}  // namespace ac
