#include "auth/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

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

bool verify_digest(EVP_PKEY* key, std::string_view data, const std::uint8_t* sig,
                   std::size_t sig_len) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), sig, sig_len,
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

// JWS carries ES256 signatures as r || s, 32 bytes each; OpenSSL wants DER.
std::optional<std::vector<std::uint8_t>> es256_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::vector<std::uint8_t> der(static_cast<std::size_t>(len));
  unsigned char* out = der.data();
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

bool audience_matches(const nlohmann::json& aud, const std::string& expected) {
  if (aud.is_string()) return aud.get<std::string>() == expected;
  if (!aud.is_array()) return false;
  for (const auto& item : aud) {
    if (item.is_string() && item.get<std::string>() == expected) return true;
  }
  return false;
}

bool is_admin_role(const nlohmann::json& value) {
  return value.is_string() &&
         (value.get<std::string>() == "admin" || value.get<std::string>() == "super_admin");
}

}  // namespace

std::string_view describe(JwtError error) {
  switch (error) {
    case JwtError::kMalformed:
      return "malformed token";
    case JwtError::kAlgorithmRefused:
      return "algorithm not allowed";
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

std::expected<JwtVerifier, std::string> JwtVerifier::create(JwtOptions options) {
  JwtVerifier verifier;
  verifier.cache_ = std::make_shared<VerifiedTokenCache>();
  if (!options.public_key_pem.empty()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(options.public_key_pem.data(),
                        static_cast<int>(options.public_key_pem.size())),
        BIO_free);
    EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (key == nullptr) return std::unexpected("JWT_PUBLIC_KEY_FILE holds no readable public key");
    verifier.public_key_.reset(key, KeyDeleter{});
    char group[64] = {};
    std::size_t group_len = 0;
    if (EVP_PKEY_is_a(key, "RSA")) {
      verifier.public_key_kind_ = PublicKeyKind::kRsa;
    } else if (EVP_PKEY_is_a(key, "EC") &&
               EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                              &group_len) == 1 &&
               std::string_view(group) == "prime256v1") {
      verifier.public_key_kind_ = PublicKeyKind::kEcP256;
    } else {
      return std::unexpected("JWT_PUBLIC_KEY_FILE must hold an RSA or EC P-256 public key");
    }
  }
  verifier.options_ = std::move(options);
  return verifier;
}

bool JwtVerifier::signature_matches(std::string_view alg, std::string_view signed_part,
                                    std::string_view signature) const {
  const auto* sig = reinterpret_cast<const std::uint8_t*>(signature.data());
  if (alg == "HS256" && !options_.hs256_secret.empty()) {
    const auto mac = hmac_sha256(options_.hs256_secret.reveal(), signed_part);
    return signature.size() == mac.size() && CRYPTO_memcmp(mac.data(), sig, mac.size()) == 0;
  }
  if (alg == "RS256" && public_key_kind_ == PublicKeyKind::kRsa) {
    return verify_digest(public_key_.get(), signed_part, sig, signature.size());
  }
  if (alg == "ES256" && public_key_kind_ == PublicKeyKind::kEcP256) {
    const auto der = es256_to_der(signature);
    return der && verify_digest(public_key_.get(), signed_part, der->data(), der->size());
  }
  return false;
}

std::expected<User, JwtError> JwtVerifier::verify(std::string_view token, std::int64_t now) const {
  if (token.size() > kMaxTokenSize) return std::unexpected(JwtError::kMalformed);
  // A token seen before needs only its time checks: the keys and settings never change.
  const Sha256Digest digest = sha256(token);
  if (auto cached = cache_->find(digest)) {
    if (auto late = check_times(cached->expires, cached->not_before, now)) {
      return std::unexpected(*late);
    }
    return std::move(cached->user);
  }
  auto verified = verify_uncached(token, now);
  if (!verified) return std::unexpected(verified.error());
  cache_->insert(digest, *verified);
  return std::move(verified->user);
}

std::optional<JwtError> JwtVerifier::check_times(double expires, std::optional<double> not_before,
                                                 std::int64_t now) const {
  const auto leeway = static_cast<double>(options_.leeway_seconds);
  if (expires + leeway < static_cast<double>(now)) return JwtError::kExpired;
  if (not_before && *not_before > static_cast<double>(now) + leeway) return JwtError::kNotYetValid;
  return std::nullopt;
}

std::expected<VerifiedToken, JwtError> JwtVerifier::verify_uncached(std::string_view token,
                                                                    std::int64_t now) const {
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
  const bool allowed = (alg == "HS256" && !options_.hs256_secret.empty()) ||
                       (alg == "RS256" && public_key_kind_ == PublicKeyKind::kRsa) ||
                       (alg == "ES256" && public_key_kind_ == PublicKeyKind::kEcP256);
  if (!allowed) return std::unexpected(JwtError::kAlgorithmRefused);
  if (!signature_matches(alg, token.substr(0, second_dot), *signature)) {
    return std::unexpected(JwtError::kBadSignature);
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

  User& user = verified.user;
  const auto sub = claims->find("sub");
  if (sub != claims->end() && sub->is_string()) user.id = sub->get<std::string>();
  if (sub != claims->end() && sub->is_number_integer())
    user.id = std::to_string(sub->get<std::int64_t>());
  if (user.id.empty()) return std::unexpected(JwtError::kNoSubject);

  const auto tier = claims->find("subscription_tier");
  if (tier != claims->end() && tier->is_string()) user.subscription_tier = tier->get<std::string>();
  const auto role = claims->find("role");
  if (role != claims->end() && is_admin_role(*role)) user.is_admin = true;
  const auto roles = claims->find("roles");
  if (roles != claims->end() && roles->is_array()) {
    for (const auto& item : *roles) user.is_admin = user.is_admin || is_admin_role(item);
  }
  const auto active = claims->find("is_active");
  if (active != claims->end() && active->is_boolean()) user.is_active = active->get<bool>();
  return verified;
}

std::optional<VerifiedToken> VerifiedTokenCache::find(const Sha256Digest& digest) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::insert(const Sha256Digest& digest, const VerifiedToken& token) {
  std::lock_guard lock(mutex_);
  // Bounded: when full, start again rather than track ages; a miss only costs a verification.
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert_or_assign(digest, token);
}

}  // namespace ac
