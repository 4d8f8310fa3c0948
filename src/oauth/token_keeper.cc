#include "oauth/token_keeper.h"

#include "crypto/fernet.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {
namespace {

bool fresh(const AccountRecord& account) {
  return account.expires_at - unix_now() > kRefreshMarginSeconds;
}

TokenError store_failure(const StoreError& error) {
  log::error("account store failed", {{"error_type", error.message}});
  return error.unavailable() ? TokenError::kStoreUnavailable : TokenError::kInternal;
}

}  // namespace

TokenKeeper::TokenKeeper(AccountStore& accounts, ProviderClient& provider,
                         const TokenCipher& cipher, RefreshLock& refresh_lock)
    : accounts_(accounts), provider_(provider), cipher_(cipher), refresh_lock_(refresh_lock) {}

std::expected<Secret, TokenError> TokenKeeper::open_access(const AccountRecord& account) {
  auto opened = cipher_.open(account.access_token);
  if (!opened) return std::unexpected(unreadable(account, opened.error()));
  if (opened->needs_reseal) reseal(account);
  return std::move(opened->token);
}

TokenError TokenKeeper::unreadable(const AccountRecord& account,
                                   const TokenCipher::OpenFailure& failure) {
  metrics::registry().token_decryption_errors_total.inc();
  log::error(
      "stored token unreadable: no configured key opens it (was a key dropped from "
      "AUDIBLE_TOKEN_ENCRYPTION_KEY before rotate-keys had re-encrypted every token?); the "
      "user must link again unless the key is restored",
      {{"user_id", account.user_id}, {"error_type", describe(failure.error)}});
  // Recorded once per episode (store/account_store.h), not once per request that meets it.
  (void)accounts_.record_decryption_failure(
      account.user_id, account.token_version,
      audit_context_here("no configured key opens the stored token"));
  return TokenError::kReauthRequired;
}

void TokenKeeper::reseal(const AccountRecord& account) {
  auto access = cipher_.open(account.access_token);
  auto refresh = cipher_.open(account.refresh_token);
  if (!access || !refresh) return;
  auto access_sealed = cipher_.seal(access->token);
  auto refresh_sealed = cipher_.seal(refresh->token);
  if (!access_sealed || !refresh_sealed) return;
  const auto written =
      accounts_.reseal({{account.user_id, account.token_version, *access_sealed, *refresh_sealed}},
                       audit_context_here("read as plaintext or under an older key"));
  log::info("stored tokens re-encrypted under the first key",
            {{"user_id", account.user_id}, {"written", written && written->front()}});
}

std::expected<Secret, TokenError> TokenKeeper::access_token(const std::string& user_id) {
  auto account = accounts_.find(user_id);
  if (!account) return std::unexpected(store_failure(account.error()));
  if (!*account) return std::unexpected(TokenError::kNotConnected);
  if (fresh(**account)) return open_access(**account);

  // One refresh per account: whoever waits here finds the tokens the holder stored.
  const auto held = refresh_lock_.acquire(user_id);
  if (!held) {
    log::warning("refresh lock not acquired",
                 {{"user_id", user_id}, {"error_type", describe(held.error())}});
    return std::unexpected(held.error() == RefreshLockError::kTimeout
                               ? TokenError::kUnavailable
                               : TokenError::kStoreUnavailable);
  }
  account = accounts_.find(user_id);
  if (!account) return std::unexpected(store_failure(account.error()));
  if (!*account) return std::unexpected(TokenError::kNotConnected);
  if (fresh(**account)) return open_access(**account);
  return refresh_locked(**account);
}

std::expected<Secret, TokenError> TokenKeeper::refresh_locked(const AccountRecord& account) {
  auto& m = metrics::registry();
  auto refresh_token = cipher_.open(account.refresh_token);
  if (!refresh_token) return std::unexpected(unreadable(account, refresh_token.error()));

  auto grant = provider_.refresh(refresh_token->token);
  if (!grant) {
    m.token_refresh_failures_total.inc();
    log::warning("token refresh failed",
                 {{"user_id", account.user_id}, {"error_type", grant.error().reason}});
    if (grant.error().kind != ProviderFailure::kRejected) {
      return std::unexpected(TokenError::kUnavailable);
    }
    // Only if the stored refresh token is still the one that failed: another instance may have
    // refreshed (and rotated it) meanwhile.
    auto marked = accounts_.mark_reauth_required(
        account.user_id, account.token_version,
        audit_context_here("the provider refused the refresh token"));
    if (!marked) return std::unexpected(store_failure(marked.error()));
    if (*marked) return std::unexpected(TokenError::kReauthRequired);
    // Replaced meanwhile: by a reconnect (its tokens are used, or refreshed by the next request
    // when they expire within the margin too) or by a disconnect that revoked the grant.
    auto current = accounts_.find(account.user_id);
    if (!current) return std::unexpected(store_failure(current.error()));
    if (!*current) return std::unexpected(TokenError::kNotConnected);
    if (!fresh(**current)) return std::unexpected(TokenError::kUnavailable);
    return open_access(**current);
  }

  // No refresh token in the answer: keep the old one (re-sealed, so a legacy plaintext one is
  // encrypted now). A rotated one is stored with the access token before either is used.
  const Secret& next_refresh =
      grant->refresh_token.empty() ? refresh_token->token : grant->refresh_token;
  auto access_sealed = cipher_.seal(grant->access_token);
  auto refresh_sealed = cipher_.seal(next_refresh);
  if (!access_sealed || !refresh_sealed) {
    m.token_encryption_errors_total.inc();
    return std::unexpected(TokenError::kInternal);
  }
  const bool rotated =
      !grant->refresh_token.empty() && !(grant->refresh_token == refresh_token->token);
  auto updated = accounts_.update_tokens(
      account.user_id, account.token_version, *access_sealed, *refresh_sealed,
      unix_now() + grant->expires_in,
      audit_context_here(rotated ? "refresh token rotated" : "refresh token kept"));
  if (!updated) {
    log::error("storing refreshed tokens failed", {{"user_id", account.user_id}});
    return std::unexpected(store_failure(updated.error()));
  }
  if (!*updated) {
    // Reconnected meanwhile (a refresh elsewhere would have waited for our lock): what is stored
    // now wins.
    auto current = accounts_.find(account.user_id);
    if (!current || !*current) return std::unexpected(TokenError::kNotConnected);
    return open_access(**current);
  }
  log::info("access token refreshed", {{"user_id", account.user_id}, {"rotated", rotated}});
  return std::move(grant->access_token);
}

}  // namespace ac
