#include "auth/jwt_verifier.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "auth/user_claims.h"
#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"

namespace ac {
namespace {

std::optional<std::string> decode_part(std::string_view part) {
  auto bytes = base64url::decode(part, base64url::Padding::kStrip);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

std::optional<nlohmann::json> decode_json_object(std::string_view part) {
  const auto text = decode_part(part);
  if (!text) return std::nullopt;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

bool audience_matches(const nlohmann::json& aud, const std::string& expected) {
  if (aud.is_string()) return aud.get<std::string>() == expected;
  if (!aud.is_array()) return false;
  for (const auto& item : aud) {
    if (item.is_string() && item.get<std::string>() == expected) return true;
  }
  return false;
}

}  // namespace

std::string_view describe(JwtError error) {
  switch (error) {
    case JwtError::kMalformed:
      return "malformed token";
    case JwtError::kAlgorithmRefused:
      return "algorithm not allowed";
    case JwtError::kCriticalHeader:
      return "crit header not understood";
    case JwtError::kKeyTypeMismatch:
      return "kid names a key of another type than alg";
    case JwtError::kUnknownKey:
      return "no key with that kid";
    case JwtError::kKeysUnavailable:
      return "JWKS not available";
    case JwtError::kBadSignature:
      return "bad signature";
    case JwtError::kExpired:
      return "expired or no exp";
    case JwtError::kNotYetValid:
      return "not yet valid";
    case JwtError::kWrongIssuer:
      return "wrong issuer";
    case JwtError::kWrongAudience:
      return "wrong audience";
    case JwtError::kNoSubject:
      return "no subject";
  }
  return "invalid token";
}

std::optional<double> unverified_expiry(std::string_view token) {
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  if (first_dot == std::string_view::npos || second_dot == std::string_view::npos) {
    return std::nullopt;
  }
  const auto claims = decode_json_object(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!claims) return std::nullopt;
  const auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) return std::nullopt;
  return exp->get<double>();
}

std::expected<JwtVerifier, std::string> JwtVerifier::create(JwtOptions options) {
  JwtVerifier verifier;
  verifier.cache_ = std::make_shared<DigestCache<Cached>>(kMaxCachedTokens);
  if (!options.public_key_pem.empty()) {
    auto key = PublicKey::from_pem(options.public_key_pem);
    if (!key) return std::unexpected("JWT_PUBLIC_KEY_FILE " + key.error());
    verifier.pem_key_ = std::move(*key);
  }
  verifier.options_ = std::move(options);
  return verifier;
}

std::expected<VerifiedToken, JwtError> JwtVerifier::verify(std::string_view token,
                                                           std::int64_t now) const {
  if (token.size() > kMaxTokenSize) return std::unexpected(JwtError::kMalformed);
  const auto jwks_keys = options_.jwks ? options_.jwks->keys(now) : nullptr;
  const std::uint64_t generation = jwks_keys ? jwks_keys->generation : 0;
  // A token seen with these keys needs only its time checks: its signature and claims cannot
  // change. With other keys (one may have left) it is verified again.
  const Sha256Digest digest = sha256(token);
  if (auto cached = cache_->find(digest, static_cast<double>(now));
      cached && cached->generation == generation) {
    if (auto late = check_times(cached->token.expires, cached->token.not_before, now)) {
      return std::unexpected(*late);
    }
    return std::move(cached->token);
  }
  auto verified = verify_uncached(token, now, jwks_keys.get());
  if (!verified) return std::unexpected(verified.error());
  cache_->insert(digest, Cached{*verified, generation},
                 verified->expires + static_cast<double>(options_.leeway_seconds),
                 static_cast<double>(now));
  return verified;
}

std::optional<JwtError> JwtVerifier::check_times(double expires, std::optional<double> not_before,
                                                 std::int64_t now) const {
  const auto leeway = static_cast<double>(options_.leeway_seconds);
  if (expires + leeway < static_cast<double>(now)) return JwtError::kExpired;
  if (not_before && *not_before > static_cast<double>(now) + leeway) return JwtError::kNotYetValid;
  return std::nullopt;
}

std::optional<JwtError> JwtVerifier::check_signature(std::string_view alg, const std::string* kid,
                                                     std::string_view signed_part,
                                                     std::string_view signature,
                                                     const KeySet* jwks_keys,
                                                     std::int64_t now) const {
  if (alg == "HS256") {
    if (kid && jwks_keys && jwks_keys->find(*kid)) return JwtError::kKeyTypeMismatch;
    const auto mac = hmac_sha256(options_.hs256_secret.reveal(), signed_part);
    const bool same = signature.size() == mac.size() &&
                      CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
    return same ? std::nullopt : std::optional(JwtError::kBadSignature);
  }
  const auto type = public_key_type_for(alg);
  const auto verdict = [&](const PublicKey& key) -> std::optional<JwtError> {
    if (key.type() != type) return JwtError::kKeyTypeMismatch;
    if (key.verifies(alg, signed_part, signature)) return std::nullopt;
    return JwtError::kBadSignature;
  };
  std::shared_ptr<const KeySet> refetched;  // keeps a key found after a refetch alive
  if (kid && options_.jwks) {
    const PublicKey* key = jwks_keys ? jwks_keys->find(*kid) : nullptr;
    if (key == nullptr) {
      refetched = options_.jwks->keys_after_unknown_kid(now);
      key = refetched ? refetched->find(*kid) : nullptr;
    }
    if (key != nullptr) return verdict(*key);
  }
  // No kid, or one no key set holds: the PEM key, and without a kid the JWKS keys, of this type.
  std::vector<const PublicKey*> candidates;
  if (pem_key_ && pem_key_->type() == type) candidates.push_back(&*pem_key_);
  if (!kid && jwks_keys) {
    for (const auto& key : jwks_keys->keys) {
      if (key.type() == type) candidates.push_back(&key);
    }
  }
  if (candidates.empty()) {
    if (options_.jwks && !jwks_keys && !refetched) return JwtError::kKeysUnavailable;
    return kid ? JwtError::kUnknownKey : JwtError::kAlgorithmRefused;
  }
  for (const PublicKey* key : candidates) {
    if (!verdict(*key)) return std::nullopt;
  }
  return JwtError::kBadSignature;
}

std::expected<VerifiedToken, JwtError> JwtVerifier::verify_uncached(std::string_view token,
                                                                    std::int64_t now,
                                                                    const KeySet* jwks_keys) const {
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  if (first_dot == std::string_view::npos || second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return std::unexpected(JwtError::kMalformed);
  }
  const auto header = decode_json_object(token.substr(0, first_dot));
  const auto claims = decode_json_object(token.substr(first_dot + 1, second_dot - first_dot - 1));
  const auto signature = decode_part(token.substr(second_dot + 1));
  if (!header || !claims || !signature) return std::unexpected(JwtError::kMalformed);

  const auto alg_it = header->find("alg");
  if (alg_it == header->end() || !alg_it->is_string()) {
    return std::unexpected(JwtError::kAlgorithmRefused);
  }
  const std::string alg = alg_it->get<std::string>();
  const auto key_type = public_key_type_for(alg);
  const bool allowed = (alg == "HS256" && !options_.hs256_secret.empty()) ||
                       (key_type && ((pem_key_ && pem_key_->type() == *key_type) || options_.jwks));
  if (!allowed) return std::unexpected(JwtError::kAlgorithmRefused);
  if (header->contains("crit")) return std::unexpected(JwtError::kCriticalHeader);
  const auto kid_it = header->find("kid");
  if (kid_it != header->end() && !kid_it->is_string()) return std::unexpected(JwtError::kMalformed);
  const std::string* kid =
      kid_it == header->end() ? nullptr : &kid_it->get_ref<const std::string&>();
  if (auto refused =
          check_signature(alg, kid, token.substr(0, second_dot), *signature, jwks_keys, now)) {
    return std::unexpected(*refused);
  }

  const auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) return std::unexpected(JwtError::kExpired);
  const auto nbf = claims->find("nbf");
  if (nbf != claims->end() && !nbf->is_number()) return std::unexpected(JwtError::kNotYetValid);
  VerifiedToken verified{
      User{}, exp->get<double>(),
      nbf == claims->end() ? std::nullopt : std::optional<double>(nbf->get<double>())};
  if (auto late = check_times(verified.expires, verified.not_before, now)) {
    return std::unexpected(*late);
  }
  if (!options_.issuer.empty()) {
    const auto iss = claims->find("iss");
    if (iss == claims->end() || !iss->is_string() || iss->get<std::string>() != options_.issuer) {
      return std::unexpected(JwtError::kWrongIssuer);
    }
  }
  if (!options_.audience.empty()) {
    const auto aud = claims->find("aud");
    if (aud == claims->end() || !audience_matches(*aud, options_.audience)) {
      return std::unexpected(JwtError::kWrongAudience);
    }
  }
  auto user = user_from_json(*claims);
  if (!user) return std::unexpected(JwtError::kNoSubject);
  verified.user = std::move(*user);
  return verified;
}

}  // namespace ac
