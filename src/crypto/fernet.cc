#include "crypto/fernet.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"
#include "crypto/random.h"

namespace ac {
namespace {

constexpr std::uint8_t kVersion = 0x80;
constexpr std::size_t kHeaderSize = 1 + 8 + 16;  // version, timestamp, IV
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kBlockSize = 16;
constexpr std::int64_t kMaxClockSkewSeconds = 60;

// The cipher is fetched once and each thread keeps its own reusable context, so an operation costs
// no allocation or lookup inside OpenSSL beyond the work itself.
EVP_CIPHER* aes_128_cbc() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  return cipher;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

EVP_CIPHER_CTX* thread_cipher_ctx() {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || !aes_128_cbc()) throw std::runtime_error("OpenSSL AES-128-CBC unavailable");
  return ctx.get();
}

}  // namespace

std::string_view describe(FernetError error) {
  switch (error) {
    case FernetError::kEmpty:
      return "empty token";
    case FernetError::kTooLarge:
      return "input too large";
    case FernetError::kBadBase64:
      return "token is not url-safe base64";
    case FernetError::kBadVersion:
      return "unknown token version";
    case FernetError::kTooShort:
      return "token too short";
    case FernetError::kBadLength:
      return "ciphertext is not a whole number of blocks";
    case FernetError::kBadSignature:
      return "signature mismatch (wrong key or tampered token)";
    case FernetError::kBadPadding:
      return "bad plaintext padding";
    case FernetError::kExpired:
      return "token expired";
    case FernetError::kFromTheFuture:
      return "token timestamp is in the future";
  }
  return "unknown fernet error";
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<FernetKey> FernetKey::parse(std::string_view text) {
  auto bytes = base64url::decode(text, base64url::Padding::kKeep);
  if (!bytes || bytes->size() != 32) {
    if (bytes) OPENSSL_cleanse(bytes->data(), bytes->size());
    return std::nullopt;
  }
  FernetKey key;
  std::copy(bytes->begin(), bytes->end(), key.bytes_.begin());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return key;
}

FernetKey FernetKey::generate() {
  FernetKey key;
  fill_random(key.bytes_);
  return key;
}

FernetKey::~FernetKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

std::string FernetKey::text() const { return base64url::encode(bytes_, base64url::Padding::kKeep); }

std::uint64_t FernetTokenBytes::timestamp() const {
  std::uint64_t ts = 0;
  for (std::size_t i = 1; i <= 8; ++i) ts = (ts << 8) | bytes[i];
  return ts;
}

std::expected<FernetTokenBytes, FernetError> parse_fernet_token(std::string_view token) {
  if (token.empty()) return std::unexpected(FernetError::kEmpty);
  if (token.size() > kMaxFernetInput) return std::unexpected(FernetError::kTooLarge);
  auto bytes = base64url::decode(token, base64url::Padding::kKeep);
  if (!bytes) return std::unexpected(FernetError::kBadBase64);
  if (bytes->empty() || (*bytes)[0] != kVersion) return std::unexpected(FernetError::kBadVersion);
  if (bytes->size() < kHeaderSize + kMacSize) return std::unexpected(FernetError::kTooShort);
  const std::size_t ciphertext_size = bytes->size() - kHeaderSize - kMacSize;
  if (ciphertext_size % kBlockSize != 0) return std::unexpected(FernetError::kBadLength);
  if (ciphertext_size == 0) return std::unexpected(FernetError::kTooShort);
  return FernetTokenBytes{std::move(*bytes)};
}

std::expected<std::string, FernetError> Fernet::encrypt(std::string_view plaintext) const {
  std::array<std::uint8_t, 16> iv;
  fill_random(iv);
  return encrypt_at(plaintext, static_cast<std::uint64_t>(unix_now()), iv);
}

std::expected<std::string, FernetError> Fernet::encrypt_at(
    std::string_view plaintext, std::uint64_t timestamp,
    std::span<const std::uint8_t, 16> iv) const {
  if (plaintext.size() > kMaxFernetInput) return std::unexpected(FernetError::kTooLarge);
  const std::size_t padded = (plaintext.size() / kBlockSize + 1) * kBlockSize;
  // The raw token is only ciphertext and public fields, so a per-thread buffer may keep it: the
  // one allocation left is the text returned.
  thread_local std::vector<std::uint8_t> out;
  out.resize(kHeaderSize + padded + kMacSize);
  out[0] = kVersion;
  for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<std::uint8_t>(timestamp >> (56 - 8 * i));
  std::copy(iv.begin(), iv.end(), out.begin() + 9);

  EVP_CIPHER_CTX* ctx = thread_cipher_ctx();
  int len1 = 0;
  int len2 = 0;
  if (EVP_EncryptInit_ex2(ctx, aes_128_cbc(), key_.encryption_key().data(), iv.data(), nullptr) !=
          1 ||
      EVP_EncryptUpdate(ctx, out.data() + kHeaderSize, &len1,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, out.data() + kHeaderSize + len1, &len2) != 1 ||
      static_cast<std::size_t>(len1 + len2) != padded) {
    throw std::runtime_error("AES-128-CBC encryption failed");
  }
  const auto mac = hmac_sha256(key_.signing_key(), std::span(out.data(), kHeaderSize + padded));
  std::copy(mac.begin(), mac.end(), out.end() - kMacSize);
  return base64url::encode(out, base64url::Padding::kKeep);
}

std::expected<Secret, FernetError> Fernet::decrypt(std::string_view token,
                                                   std::optional<std::int64_t> ttl_seconds) const {
  return decrypt_at(token, ttl_seconds, unix_now());
}

std::expected<Secret, FernetError> Fernet::decrypt_at(std::string_view token,
                                                      std::optional<std::int64_t> ttl_seconds,
                                                      std::int64_t now) const {
  auto parsed = parse_fernet_token(token);
  if (!parsed) return std::unexpected(parsed.error());
  return open(*parsed, ttl_seconds, now);
}

std::expected<Secret, FernetError> Fernet::open(const FernetTokenBytes& token,
                                                std::optional<std::int64_t> ttl_seconds,
                                                std::int64_t now) const {
  const std::span<const std::uint8_t> bytes(token.bytes);
  const auto signed_part = bytes.first(bytes.size() - kMacSize);
  const auto expected_mac = hmac_sha256(key_.signing_key(), signed_part);
  if (CRYPTO_memcmp(expected_mac.data(), bytes.last(kMacSize).data(), kMacSize) != 0) {
    return std::unexpected(FernetError::kBadSignature);
  }
  if (ttl_seconds) {
    const auto timestamp = static_cast<std::int64_t>(token.timestamp());
    if (timestamp + *ttl_seconds < now) return std::unexpected(FernetError::kExpired);
    if (now + kMaxClockSkewSeconds < timestamp) {
      return std::unexpected(FernetError::kFromTheFuture);
    }
  }

  const auto iv = bytes.subspan(9, 16);
  const auto ciphertext = signed_part.subspan(kHeaderSize);
  std::string plaintext(ciphertext.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  EVP_CIPHER_CTX* ctx = thread_cipher_ctx();
  int len1 = 0;
  int len2 = 0;
  if (EVP_DecryptInit_ex2(ctx, aes_128_cbc(), key_.encryption_key().data(), iv.data(), nullptr) !=
          1 ||
      EVP_DecryptUpdate(ctx, out, &len1, ciphertext.data(), static_cast<int>(ciphertext.size())) !=
          1) {
    throw std::runtime_error("AES-128-CBC decryption failed");
  }
  if (EVP_DecryptFinal_ex(ctx, out + len1, &len2) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::unexpected(FernetError::kBadPadding);
  }
  OPENSSL_cleanse(plaintext.data() + len1 + len2, plaintext.size() - len1 - len2);
  plaintext.resize(static_cast<std::size_t>(len1 + len2));
  return Secret(std::move(plaintext));
}

}  // namespace ac
