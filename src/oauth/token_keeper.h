#pragma once

// A usable access token for a user's provider calls (CONTRACT.md section 6): refreshed when it
// expires within 60 s, one refresh per account at a time in this process (the others wait and
// use its result), a rotated refresh token stored together with the new access token before
// anyone uses either, and `invalid_grant` turned into reauth_required only when the stored token
// is still the one that failed. Blocking: runs on the worker pool.

#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "crypto/token_cipher.h"
#include "oauth/provider_client.h"
#include "store/account_store.h"

namespace ac {

enum class TokenError {
  kNotConnected,
  kReauthRequired,  // the provider refused the refresh token
  kUnavailable,     // the provider could not be reached
  kInternal,        // store or decryption failure
};

class TokenKeeper {
 public:
  TokenKeeper(AccountStore& accounts, ProviderClient& provider, const TokenCipher& cipher);

  std::expected<Secret, TokenError> access_token(const std::string& user_id);

 private:
  std::expected<Secret, TokenError> refresh_locked(const AccountRecord& account);
  std::expected<Secret, TokenError> open_access(const AccountRecord& account);
  std::shared_ptr<std::mutex> lock_for(const std::string& user_id);

  AccountStore& accounts_;
  ProviderClient& provider_;
  const TokenCipher& cipher_;
  std::mutex locks_mutex_;
  std::unordered_map<std::string, std::weak_ptr<std::mutex>> locks_;
};

// Refresh when the access token expires within this many seconds.
inline constexpr std::int64_t kRefreshMarginSeconds = 60;

}  // namespace ac
