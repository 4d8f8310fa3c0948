#include "auth/public_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/base64url.h"

namespace ac {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

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

std::optional<KeyType> type_of(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) return KeyType::kRsa;
  char group[64] = {};
  std::size_t group_len = 0;
  if (EVP_PKEY_is_a(key, "EC") &&
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &group_len) == 1 &&
      std::string_view(group) == "prime256v1") {
    return KeyType::kEcP256;
  }
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> member_bytes(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  auto bytes = base64url::decode(it->get_ref<const std::string&>(), base64url::Padding::kStrip);
  if (!bytes || bytes->empty()) return std::nullopt;
  return bytes;
}

// Builds a public key of `type_name` ("RSA" or "EC") from OpenSSL parameters.
PkeyPtr key_from_params(const char* type_name, OSSL_PARAM_BLD* builder) {
  PkeyPtr none(nullptr, EVP_PKEY_free);
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(builder),
                                                                 OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return none;
  }
  return PkeyPtr(key, EVP_PKEY_free);
}

using BuilderPtr = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
using BignumPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

PkeyPtr rsa_from_jwk(const nlohmann::json& jwk) {
  PkeyPtr none(nullptr, EVP_PKEY_free);
  const auto n = member_bytes(jwk, "n");
  const auto e = member_bytes(jwk, "e");
  if (!n || !e) return none;
  BignumPtr n_bn(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr), BN_free);
  BignumPtr e_bn(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr), BN_free);
  BuilderPtr builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!n_bn || !e_bn || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) != 1) {
    return none;
  }
  return key_from_params("RSA", builder.get());
}

PkeyPtr p256_from_jwk(const nlohmann::json& jwk) {
  PkeyPtr none(nullptr, EVP_PKEY_free);
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || *crv != "P-256") return none;
  const auto x = member_bytes(jwk, "x");
  const auto y = member_bytes(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) return none;
  std::vector<std::uint8_t> point{0x04};  // uncompressed: 04 || x || y
  point.insert(point.end(), x->begin(), x->end());
  point.insert(point.end(), y->begin(), y->end());
  BuilderPtr builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return none;
  }
  return key_from_params("EC", builder.get());
}

}  // namespace

std::optional<KeyType> public_key_type_for(std::string_view alg) {
  if (alg == "RS256") return KeyType::kRsa;
  if (alg == "ES256") return KeyType::kEcP256;
  return std::nullopt;
}

PublicKey::PublicKey(std::shared_ptr<EVP_PKEY> key, KeyType type, std::string kid)
    : key_(std::move(key)), type_(type), kid_(std::move(kid)) {
  const int len = i2d_PUBKEY(key_.get(), nullptr);
  if (len > 0) {
    der_.resize(static_cast<std::size_t>(len));
    auto* out = reinterpret_cast<unsigned char*>(der_.data());
    i2d_PUBKEY(key_.get(), &out);
  }
}

std::expected<PublicKey, std::string> PublicKey::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  EVP_PKEY* raw = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (raw == nullptr) return std::unexpected("holds no readable public key");
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  const auto type = type_of(raw);
  if (!type) return std::unexpected("must hold an RSA or EC P-256 public key");
  return PublicKey(std::move(key), *type, "");
}

std::expected<PublicKey, std::string> PublicKey::from_jwk(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return std::unexpected("a key is not a JSON object");
  const std::string kty = jwk.contains("kty") && jwk["kty"].is_string() ? jwk["kty"] : "";
  const std::string kid = jwk.contains("kid") && jwk["kid"].is_string() ? jwk["kid"] : "";
  std::optional<KeyType> type;
  if (kty == "RSA") type = KeyType::kRsa;
  if (kty == "EC") type = KeyType::kEcP256;
  if (!type) return std::unexpected("kty \"" + kty + "\" is not RSA or EC");
  if (jwk.contains("use") && jwk["use"] != "sig") return std::unexpected("use is not sig");
  if (jwk.contains("alg") &&
      (!jwk["alg"].is_string() || public_key_type_for(jwk["alg"].get<std::string>()) != type)) {
    return std::unexpected("alg does not match kty " + kty);
  }
  PkeyPtr key = *type == KeyType::kRsa ? rsa_from_jwk(jwk) : p256_from_jwk(jwk);
  if (!key) return std::unexpected("unreadable " + kty + " key");
  return PublicKey(std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free), *type, kid);
}

bool PublicKey::verifies(std::string_view alg, std::string_view signed_part,
                         std::string_view signature) const {
  if (public_key_type_for(alg) != type_) return false;
  const auto* sig = reinterpret_cast<const std::uint8_t*>(signature.data());
  if (type_ == KeyType::kRsa) return verify_digest(key_.get(), signed_part, sig, signature.size());
  const auto der = es256_to_der(signature);
  return der && verify_digest(key_.get(), signed_part, der->data(), der->size());
}

}  // namespace ac
