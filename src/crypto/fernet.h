#pragma once

// Fernet (github.com/fernet/spec): AES-128-CBC with PKCS#7 padding, authenticated by
// HMAC-SHA256, in URL-safe base64. Byte-compatible with Python's cryptography.fernet, so tokens
// that the Python service stored decrypt here, and ours decrypt there.

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.h"

namespace ac {

enum class FernetError {
  kEmpty,          // an empty token
  kTooLarge,       // over kMaxFernetInput
  kBadBase64,      // not strict URL-safe base64 with padding
  kBadVersion,     // first byte is not 0x80
  kTooShort,       // shorter than version + timestamp + IV + one block + HMAC
  kBadLength,      // ciphertext is not a whole number of AES blocks
  kBadSignature,   // HMAC does not match: wrong key or tampered token
  kBadPadding,     // authentic, but the plaintext padding is wrong (should never happen)
  kExpired,        // older than the TTL the caller asked for
  kFromTheFuture,  // timestamp more than 60 s ahead of now, checked with a TTL as Python does
};

std::string_view describe(FernetError error);

// Tokens and plaintexts above this size are refused outright; OAuth tokens are a few KiB.
inline constexpr std::size_t kMaxFernetInput = 1 << 20;

// 32 bytes: the first 16 sign, the last 16 encrypt. Text form: 44 characters of URL-safe base64.
class FernetKey {
 public:
  static std::optional<FernetKey> parse(std::string_view text);
  static FernetKey generate();
  FernetKey(const FernetKey&) = default;
  FernetKey& operator=(const FernetKey&) = default;
  ~FernetKey();

  std::string text() const;
  std::span<const std::uint8_t, 16> signing_key() const { return std::span(bytes_).first<16>(); }
  std::span<const std::uint8_t, 16> encryption_key() const { return std::span(bytes_).last<16>(); }

 private:
  FernetKey() = default;
  std::array<std::uint8_t, 32> bytes_{};
};

// A token whose outer shape is valid (base64, version byte, lengths); not yet authenticated.
struct FernetTokenBytes {
  std::vector<std::uint8_t> bytes;
  std::uint64_t timestamp() const;
};

std::expected<FernetTokenBytes, FernetError> parse_fernet_token(std::string_view token);

std::int64_t unix_now();

class Fernet {
 public:
  explicit Fernet(FernetKey key) : key_(std::move(key)) {}

  // Random IV, current time.
  std::expected<std::string, FernetError> encrypt(std::string_view plaintext) const;
  // Fixed IV and time, for test vectors and for MultiFernet::rotate, which keeps the timestamp.
  std::expected<std::string, FernetError> encrypt_at(std::string_view plaintext,
                                                     std::uint64_t timestamp,
                                                     std::span<const std::uint8_t, 16> iv) const;

  std::expected<Secret, FernetError> decrypt(std::string_view token,
                                             std::optional<std::int64_t> ttl_seconds = {}) const;
  std::expected<Secret, FernetError> decrypt_at(std::string_view token,
                                                std::optional<std::int64_t> ttl_seconds,
                                                std::int64_t now) const;
  // Authenticates and decrypts an already parsed token.
  std::expected<Secret, FernetError> open(const FernetTokenBytes& token,
                                          std::optional<std::int64_t> ttl_seconds,
                                          std::int64_t now) const;

 private:
  FernetKey key_;
};

}  // namespace ac
