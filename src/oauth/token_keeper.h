#pragma once

// A usable access token for a user's provider calls (CONTRACT.md section 6): refreshed when it
// expires within 60 s, one refresh per account at a time across every instance that shares the
// RefreshLock (the others wait, then read and use the tokens the holder stored), a rotated
// refresh token stored together with the new access token before anyone uses either, and
// `invalid_grant` turned into reauth_required only when the stored tokens are still the ones that
// failed. Tokens read as plaintext or under an old key are written back under the first key.
// Each of these writes its audit event with the store change (store/audit_log.h), naming the
// current thread's request.
// Thread-safe. Blocking: runs on the worker pool.

#include <expected>
#include <string>

#include "crypto/token_cipher.h"
#include "oauth/provider_client.h"
#include "oauth/refresh_lock.h"
#include "store/account_store.h"

namespace ac {

enum class TokenError {
  kNotConnected,
  kReauthRequired,    // the provider refused the refresh token
  kUnavailable,       // the provider could not be reached
  kStoreUnavailable,  // the database or the refresh lock could not be reached
  kInternal,          // store or decryption failure
};

class TokenKeeper {
 public:
  TokenKeeper(AccountStore& accounts, ProviderClient& provider, const TokenCipher& cipher,
              RefreshLock& refresh_lock);

  std::expected<Secret, TokenError> access_token(const std::string& user_id);

 private:
  std::expected<Secret, TokenError> refresh_locked(const AccountRecord& account);
  std::expected<Secret, TokenError> open_access(const AccountRecord& account);
  // A token no configured key opens: the account says so (reauth_required, "Token decryption
  // failed"; audited once per episode) and the log names the likely cause.
  TokenError unreadable(const AccountRecord& account, const TokenCipher::OpenFailure& failure);
  // Writes both tokens back under the first key (plaintext or an old key was read), unless a
  // refresh or a reconnect replaced them meanwhile. Best effort: the read goes on either way.
  void reseal(const AccountRecord& account);

  AccountStore& accounts_;
  ProviderClient& provider_;
  const TokenCipher& cipher_;
  RefreshLock& refresh_lock_;
};

// Refresh when the access token expires within this many seconds.
inline constexpr std::int64_t kRefreshMarginSeconds = 60;

}  // namespace ac
