#include "crypto/hmac_sha256.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace ac {
namespace {

struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

EVP_MAC_CTX* thread_mac_ctx() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> made(mac ? EVP_MAC_CTX_new(mac) : nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    if (made && EVP_MAC_CTX_set_params(made.get(), params) != 1) made.reset();
    return made;
  }();
  if (!ctx) throw std::runtime_error("OpenSSL HMAC-SHA256 unavailable");
  return ctx.get();
}

}  // namespace

HmacSha256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  EVP_MAC_CTX* ctx = thread_mac_ctx();
  HmacSha256 mac{};
  std::size_t len = 0;
  // EVP_MAC_init with a null key keeps the previous call's key: an empty key needs a non-null
  // pointer.
  static const std::uint8_t kNoKey = 0;
  const std::uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  if (EVP_MAC_init(ctx, key_data, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx, mac.data(), &len, mac.size()) != 1 || len != mac.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return mac;
}

HmacSha256 hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(std::span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
                     std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

}  // namespace ac
