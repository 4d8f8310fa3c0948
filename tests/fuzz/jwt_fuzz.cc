// JWT parse and verify (src/auth/jwt_verifier): any text as a token, with HS256 and an EC P-256
// public key configured, must verify or fail cleanly; and "HEADER\nPAYLOAD" from the input, signed
// with the HS256 secret, takes any header and claims past the signature into the claim checks.

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/jwt_verifier.h"
#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"

namespace {

constexpr std::string_view kSecret = "fuzz-hs256-secret-long-enough-for-hs256";
constexpr std::int64_t kNow = 1'700'000'000;

std::string ec_public_key_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

const ac::JwtVerifier& verifier() {
  static const ac::JwtVerifier v = *ac::JwtVerifier::create(
      ac::JwtOptions{ac::Secret(std::string(kSecret)), ec_public_key_pem(), "", ""});
  return v;
}

std::string b64(std::string_view text) {
  return ac::base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
      ac::base64url::Padding::kStrip);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)verifier().verify(input, kNow);
  const auto newline = input.find('\n');
  if (newline != std::string_view::npos) {
    const std::string signed_part =
        b64(input.substr(0, newline)) + "." + b64(input.substr(newline + 1));
    const auto mac = ac::hmac_sha256(kSecret, signed_part);
    (void)verifier().verify(
        signed_part + "." + ac::base64url::encode(mac, ac::base64url::Padding::kStrip), kNow);
  }
  return 0;
}
