#include "crypto/token_cipher.h"

namespace ac {

bool TokenCipher::looks_like_fernet(std::string_view stored) {
  return stored.starts_with("gAAAAA");
}

std::expected<std::string, FernetError> TokenCipher::seal(const Secret& token) const {
  if (token.empty() || !keys_) return std::string(token.reveal());
  return keys_->encrypt(token.reveal());
}

std::expected<TokenCipher::Opened, TokenCipher::OpenFailure> TokenCipher::open(
    std::string_view stored) const {
  if (stored.empty()) return Opened{Secret(), false, std::nullopt};
  if (looks_like_fernet(stored)) {
    if (!keys_) return std::unexpected(OpenFailure{OpenError::kNoKey, std::nullopt});
    auto opened = keys_->decrypt_with_key_index(stored);
    if (!opened) return std::unexpected(OpenFailure{OpenError::kUndecryptable, opened.error()});
    return Opened{std::move(opened->plaintext), opened->key_index > 0, opened->key_index};
  }
  if (!allow_plaintext_) {
    return std::unexpected(OpenFailure{OpenError::kPlaintextRefused, std::nullopt});
  }
  return Opened{Secret(std::string(stored)), keys_.has_value(), std::nullopt};
}

std::string_view describe(TokenCipher::OpenError error) {
  switch (error) {
    case TokenCipher::OpenError::kUndecryptable:
      return "stored token does not decrypt";
    case TokenCipher::OpenError::kNoKey:
      return "stored token is encrypted but no key is set";
    case TokenCipher::OpenError::kPlaintextRefused:
      return "stored token is plaintext";
  }
  return "unknown token error";
}

}  // namespace ac
