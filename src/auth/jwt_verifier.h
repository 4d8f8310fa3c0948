#pragma once

// Verifies the platform's JWTs (CONTRACT.md section 4): HS256 with JWT_SECRET_KEY (or SECRET_KEY),
// RS256 or ES256 with the PEM public key of JWT_PUBLIC_KEY_FILE or a key of JWT_JWKS_URL, any of
// them at once. A token is verified only with a key of the type its alg names: HS256 only with
// the secret, never with a public key's bytes; a kid that names a key of another type is refused;
// so are `alg: none` and any `crit` header (we understand no extension).
//
// With a JWKS, a kid picks the key (a kid the set lacks makes the set be fetched again, within
// the JwksSource's limits, and otherwise falls back to the PEM key); without a kid every key of
// the alg's type is tried. Tokens that verified are remembered by SHA-256 with the key set's
// generation, so a token whose key left the set is verified again, and fails.
//
// Thread-safe. verify() may block on the JWKS fetch when a JwksSource is given (may_block()).

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/digest_cache.h"
#include "auth/jwks.h"
#include "auth/public_key.h"
#include "auth/user.h"
#include "crypto/secret.h"

namespace ac {

enum class JwtError {
  kMalformed,         // not three base64url parts of JSON
  kAlgorithmRefused,  // alg not one a configured key allows, or none
  kCriticalHeader,    // a `crit` header: an extension we do not understand
  kKeyTypeMismatch,   // the kid names a key of another type than the alg's
  kUnknownKey,        // no key with that kid
  kKeysUnavailable,   // the JWKS was never fetched: we cannot tell (503, not 401)
  kBadSignature,
  kExpired,      // exp (60 s leeway) past, or missing
  kNotYetValid,  // nbf in the future
  kWrongIssuer,
  kWrongAudience,
  kNoSubject,
};

std::string_view describe(JwtError error);

// The exp claim of a token that looks like a JWT, unverified: only ever used to keep something
// for less time. nullopt when there is none.
std::optional<double> unverified_expiry(std::string_view token);

struct JwtOptions {
  Secret hs256_secret;               // empty: HS256 refused
  std::string public_key_pem;        // empty: none
  std::string issuer;                // empty: not checked
  std::string audience;              // empty: not checked
  std::shared_ptr<JwksSource> jwks;  // null: none
  std::int64_t leeway_seconds = 60;
};

// What a valid token said: its user and the times it must be checked against on every use.
struct VerifiedToken {
  User user;
  double expires = 0;
  std::optional<double> not_before;
};

class JwtVerifier {
 public:
  // Fails when the PEM key is neither RSA nor EC P-256.
  static std::expected<JwtVerifier, std::string> create(JwtOptions options);

  // The token's user and times, whatever its is_active says; the caller decides what inactive
  // means.
  std::expected<VerifiedToken, JwtError> verify(std::string_view token, std::int64_t now) const;

  bool may_block() const { return options_.jwks != nullptr; }

 private:
  struct Cached {
    VerifiedToken token;
    std::uint64_t generation;
  };
  static constexpr std::size_t kMaxTokenSize = 8192;  // longer Authorization values: refused
  static constexpr std::size_t kMaxCachedTokens = 10'000;

  JwtVerifier() = default;
  std::expected<VerifiedToken, JwtError> verify_uncached(std::string_view token, std::int64_t now,
                                                         const KeySet* jwks_keys) const;
  std::optional<JwtError> check_signature(std::string_view alg, const std::string* kid,
                                          std::string_view signed_part, std::string_view signature,
                                          const KeySet* jwks_keys, std::int64_t now) const;
  std::optional<JwtError> check_times(double expires, std::optional<double> not_before,
                                      std::int64_t now) const;

  JwtOptions options_;
  std::optional<PublicKey> pem_key_;
  std::shared_ptr<DigestCache<Cached>> cache_;
};

}  // namespace ac
