#include "jwt_test_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"

namespace ac::testing {
namespace {

std::string bn_param(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no key parameter");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(std::max(width, BN_num_bytes(bn))));
  BN_bn2binpad(bn, bytes.data(), static_cast<int>(bytes.size()));
  BN_free(bn);
  return b64url(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string signed_part(const nlohmann::json& header, const nlohmann::json& claims) {
  return b64url(header.dump()) + "." + b64url(claims.dump());
}

}  // namespace

std::string b64url(std::string_view bytes) {
  return base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
      base64url::Padding::kStrip);
}

TestKey TestKey::rsa() { return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", 2048)); }
TestKey TestKey::p256() { return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

std::string TestKey::public_pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

nlohmann::json TestKey::jwk(std::string_view kid) const {
  if (EVP_PKEY_is_a(key_.get(), "RSA")) {
    return {{"kty", "RSA"},
            {"kid", kid},
            {"use", "sig"},
            {"n", bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N)},
            {"e", bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E)}};
  }
  return {{"kty", "EC"},
          {"kid", kid},
          {"crv", "P-256"},
          {"x", bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)},
          {"y", bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)}};
}

std::string TestKey::sign(const nlohmann::json& header, const nlohmann::json& claims) const {
  const std::string data = signed_part(header, claims);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t len = 0;
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get());
  EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  std::vector<unsigned char> sig(len);
  EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  sig.resize(len);
  if (EVP_PKEY_is_a(key_.get(), "EC")) {  // DER to JWS's r || s
    const unsigned char* in = sig.data();
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> ecdsa(
        d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(sig.size())), ECDSA_SIG_free);
    std::vector<unsigned char> raw(64);
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa.get()), raw.data(), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa.get()), raw.data() + 32, 32);
    sig = raw;
  }
  return data + "." +
         b64url(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
}

std::string hs256_token(const nlohmann::json& header, const nlohmann::json& claims,
                        std::string_view secret) {
  const std::string data = signed_part(header, claims);
  const auto mac = hmac_sha256(secret, data);
  return data + "." +
         b64url(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace ac::testing
