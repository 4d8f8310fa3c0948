#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/multi_fernet.h"

namespace ac {

// How OAuth tokens are written to and read from the store (CONTRACT.md section 6).
// - A stored value that looks like a Fernet token is decrypted, and a failure is an error: it is
//   never taken for plaintext.
// - Anything else is a legacy plaintext token, accepted only when plaintext is allowed.
// - A plaintext token (when a key is set) and a token under an old key are marked for resealing:
//   the caller writes them back under the first key.
// - With no key (only possible when plaintext is allowed), tokens are written as they are, which
//   is what the Python service did.
class TokenCipher {
 public:
  TokenCipher(std::optional<MultiFernet> keys, bool allow_plaintext)
      : keys_(std::move(keys)), allow_plaintext_(allow_plaintext) {}

  enum class OpenError {
    kUndecryptable,     // a Fernet token that no configured key opens
    kNoKey,             // a Fernet token, but no key is configured
    kPlaintextRefused,  // plaintext while AUDIBLE_ALLOW_PLAINTEXT_TOKENS is off
  };
  struct OpenFailure {
    OpenError error;
    std::optional<FernetError> fernet_error;  // for the log
  };
  struct Opened {
    Secret token;
    bool needs_reseal = false;  // plaintext, or an old key: write it back under the first key
    // The key that opened it (0: the first); nullopt for plaintext and empty tokens.
    std::optional<std::size_t> key_index;
  };

  // The value to store. Empty stays empty, as in the seeds.
  std::expected<std::string, FernetError> seal(const Secret& token) const;
  std::expected<Opened, OpenFailure> open(std::string_view stored) const;

  bool encrypts() const { return keys_.has_value(); }

  // Fernet tokens start with the version byte 0x80 and a timestamp whose high bytes are zero.
  static bool looks_like_fernet(std::string_view stored);

 private:
  std::optional<MultiFernet> keys_;
  bool allow_plaintext_;
};

std::string_view describe(TokenCipher::OpenError error);

}  // namespace ac
