#pragma once

// The floor Fernet is measured against: the same AES-128-CBC and HMAC-SHA256 work on the same
// bytes, straight OpenSSL with reused contexts, and no base64, framing or allocation.

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace ac::bench {

class RawAesHmac {
 public:
  RawAesHmac() {
    cipher_ = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    cipher_ctx_ = EVP_CIPHER_CTX_new();
    mac_ctx_ = EVP_MAC_CTX_new(mac_);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    if (!cipher_ || !mac_ || !cipher_ctx_ || !mac_ctx_ ||
        EVP_MAC_CTX_set_params(mac_ctx_, params) != 1) {
      throw std::runtime_error("OpenSSL setup failed");
    }
  }
  ~RawAesHmac() {
    EVP_CIPHER_CTX_free(cipher_ctx_);
    EVP_MAC_CTX_free(mac_ctx_);
    EVP_CIPHER_free(cipher_);
    EVP_MAC_free(mac_);
  }
  RawAesHmac(const RawAesHmac&) = delete;
  RawAesHmac& operator=(const RawAesHmac&) = delete;

  // Encrypts `plaintext` into `out` (resized to ciphertext + 32-byte MAC) and MACs the result.
  void seal(const std::vector<std::uint8_t>& plaintext, std::vector<std::uint8_t>& out) {
    out.resize((plaintext.size() / 16 + 1) * 16 + 32);
    int len1 = 0;
    int len2 = 0;
    EVP_EncryptInit_ex2(cipher_ctx_, cipher_, key_.data() + 16, iv_.data(), nullptr);
    EVP_EncryptUpdate(cipher_ctx_, out.data(), &len1, plaintext.data(),
                      static_cast<int>(plaintext.size()));
    EVP_EncryptFinal_ex(cipher_ctx_, out.data() + len1, &len2);
    mac(out.data(), static_cast<std::size_t>(len1 + len2), out.data() + len1 + len2);
  }

  // Checks the MAC of `sealed` and decrypts it into `out`; false when either fails.
  bool open(const std::vector<std::uint8_t>& sealed, std::vector<std::uint8_t>& out) {
    const std::size_t body = sealed.size() - 32;
    std::array<std::uint8_t, 32> expected;
    mac(sealed.data(), body, expected.data());
    if (CRYPTO_memcmp(expected.data(), sealed.data() + body, 32) != 0) return false;
    out.resize(body);
    int len1 = 0;
    int len2 = 0;
    EVP_DecryptInit_ex2(cipher_ctx_, cipher_, key_.data() + 16, iv_.data(), nullptr);
    EVP_DecryptUpdate(cipher_ctx_, out.data(), &len1, sealed.data(), static_cast<int>(body));
    if (EVP_DecryptFinal_ex(cipher_ctx_, out.data() + len1, &len2) != 1) return false;
    out.resize(static_cast<std::size_t>(len1 + len2));
    return true;
  }

 private:
  void mac(const std::uint8_t* data, std::size_t size, std::uint8_t* out) {
    std::size_t len = 0;
    EVP_MAC_init(mac_ctx_, key_.data(), 16, nullptr);
    EVP_MAC_update(mac_ctx_, data, size);
    EVP_MAC_final(mac_ctx_, out, &len, 32);
  }

  std::array<std::uint8_t, 32> key_{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  std::array<std::uint8_t, 16> iv_{};
  EVP_CIPHER* cipher_ = nullptr;
  EVP_MAC* mac_ = nullptr;
  EVP_CIPHER_CTX* cipher_ctx_ = nullptr;
  EVP_MAC_CTX* mac_ctx_ = nullptr;
};

}  // namespace ac::bench
