#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/fernet.h"

namespace ac {

// Python's MultiFernet: the first key encrypts, every key decrypts, rotate() re-encrypts under the
// first key and keeps the token's original timestamp.
class MultiFernet {
 public:
  // `keys` must not be empty.
  explicit MultiFernet(std::vector<FernetKey> keys);

  // Parses "key1,key2,..." (spaces around commas allowed). The error names the bad entry by its
  // position, never by its value.
  static std::expected<MultiFernet, std::string> parse(std::string_view comma_separated_keys);

  std::size_t key_count() const { return fernets_.size(); }

  std::expected<std::string, FernetError> encrypt(std::string_view plaintext) const;
  std::expected<Secret, FernetError> decrypt(std::string_view token,
                                             std::optional<std::int64_t> ttl_seconds = {}) const;
  // Which key opened it (0: the first, the one that encrypts), so that key rotation can tell
  // tokens that are current from those still under an old key.
  struct Decrypted {
    Secret plaintext;
    std::size_t key_index = 0;
  };
  std::expected<Decrypted, FernetError> decrypt_with_key_index(std::string_view token) const;
  std::expected<std::string, FernetError> rotate(std::string_view token) const;

 private:
  // Tries every key; the error is the first key's when none fits.
  std::expected<Decrypted, FernetError> open(const FernetTokenBytes& token,
                                             std::optional<std::int64_t> ttl_seconds,
                                             std::int64_t now) const;
  std::vector<Fernet> fernets_;
};

}  // namespace ac
