#include "oauth/connect_flow.h"

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {
namespace {

std::string new_state() {
  std::array<std::uint8_t, 32> bytes;
  fill_random(bytes);
  return base64url::encode(bytes, base64url::Padding::kStrip);
}

// Enough of a state to follow it through the log, never enough to use it.
std::string_view state_prefix(std::string_view state) { return state.substr(0, 8); }

}  // namespace

ConnectFlow::ConnectFlow(const Settings& settings, StateStore& states, ProviderClient& provider,
                         const TokenCipher& cipher, AccountStore& accounts, AuditLog& audit)
    : settings_(settings),
      states_(states),
      provider_(provider),
      cipher_(cipher),
      accounts_(accounts),
      audit_(audit) {}

std::expected<AuthorizationStart, ConnectError> ConnectFlow::begin(const User& user) {
  const auto verifier = PkceVerifier::generate();
  AuthorizationStart start{"", new_state(), verifier.challenge()};
  if (auto stored = states_.put(start.state, user.id, verifier); !stored) {
    log::error("state store unavailable",
               {{"user_id", user.id}, {"error_type", describe(stored.error())}});
    return std::unexpected(ConnectError::kStoreUnavailable);
  }
  start.auth_url = provider_.authorize_url(start.state, start.code_challenge);
  log::debug("authorization started",
             {{"user_id", user.id}, {"state_prefix", state_prefix(start.state)}});
  return start;
}

std::expected<AccountRecord, ConnectError> ConnectFlow::complete(const User& user,
                                                                 const CallbackInput& input) {
  auto& m = metrics::registry();
  auto verifier = states_.consume(input.state, user.id);
  if (!verifier) {
    if (verifier.error() == StateError::kUnavailable) {
      log::error("state store unavailable", {{"user_id", user.id}});
      return std::unexpected(ConnectError::kStoreUnavailable);
    }
    m.oauth_state_validation_failures_total.inc();
    log::warning("CSRF state validation failed", {{"user_id", user.id},
                                                  {"error_type", describe(verifier.error())},
                                                  {"state_prefix", state_prefix(input.state)}});
    return std::unexpected(ConnectError::kInvalidState);
  }
  // RFC 9207: the issuer must be the one configured; the state is used up either way.
  if (!settings_.issuer.empty() && input.iss != settings_.issuer) {
    m.oauth_state_validation_failures_total.inc();
    log::warning("CSRF state validation failed",
                 {{"user_id", user.id}, {"error_type", "issuer mismatch"}});
    return std::unexpected(ConnectError::kInvalidState);
  }
  if (input.error) {
    log::info("provider reported an authorization error",
              {{"user_id", user.id}, {"error_type", input.error->substr(0, 64)}});
    return std::unexpected(ConnectError::kDenied);
  }

  auto grant = provider_.exchange_code(input.code.value_or(""), *verifier);
  if (!grant) return std::unexpected(exchange_failed(user, grant.error()));
  if (grant->user_id.empty()) {
    auto id = provider_.customer_id(grant->access_token);
    if (!id) {
      const ConnectError error = exchange_failed(user, id.error());
      revoke_unstored(user, *grant);
      return std::unexpected(error);
    }
    grant->user_id = std::move(*id);
  }
  return store_grant(user, std::move(*grant));
}

ConnectError ConnectFlow::exchange_failed(const User& user, const ProviderError& error) {
  log::error("code exchange failed", {{"user_id", user.id}, {"error_type", error.reason}});
  return error.kind == ProviderFailure::kRejected ? ConnectError::kProviderRejected
                                                  : ConnectError::kProviderUnavailable;
}

std::expected<AccountRecord, ConnectError> ConnectFlow::store_grant(const User& user,
                                                                    TokenGrant grant) {
  auto access = cipher_.seal(grant.access_token);
  auto refresh = cipher_.seal(grant.refresh_token);
  if (!access || !refresh) {
    metrics::registry().token_encryption_errors_total.inc();
    log::error("token encryption failed", {{"user_id", user.id}});
    revoke_unstored(user, grant);
    return std::unexpected(ConnectError::kInternal);
  }
  AccountRecord record;
  record.user_id = user.id;
  record.audible_user_id = grant.user_id;
  record.access_token = std::move(*access);
  record.refresh_token = std::move(*refresh);
  record.connected_at = unix_now();
  record.expires_at = record.connected_at + grant.expires_in;
  auto stored =
      accounts_.connect(std::move(record), audit_context_here("authorization code exchanged"));
  if (!stored) {
    log::error("account write failed",
               {{"user_id", user.id}, {"error_type", stored.error().message}});
    // Tokens nobody holds would stay valid at the provider until they expire. If the write did
    // commit after all (a connection lost after COMMIT), the stored tokens are revoked ones, and
    // the next use asks the user to reconnect: 409, never a leak.
    revoke_unstored(user, grant);
    return std::unexpected(stored.error().unavailable() ? ConnectError::kStoreUnavailable
                                                        : ConnectError::kInternal);
  }
  log::info("Audible account connected",
            {{"user_id", user.id}, {"audible_user_id", stored->audible_user_id}});
  return std::move(*stored);
}

std::expected<void, DisconnectError> ConnectFlow::disconnect(const User& user) {
  auto account = accounts_.find(user.id);
  if (!account) {
    log::error("account read failed",
               {{"user_id", user.id}, {"error_type", account.error().message}});
    return std::unexpected(account.error().unavailable() ? DisconnectError::kStoreUnavailable
                                                         : DisconnectError::kInternal);
  }
  if (!*account) return std::unexpected(DisconnectError::kNotConnected);

  // The account goes first, then the provider is asked to revoke (best effort): a failed delete
  // leaves the account stored with tokens that still work, never with revoked ones.
  auto refresh = cipher_.open((*account)->refresh_token);
  auto removed = accounts_.remove(
      user.id, audit_context_here(refresh ? "user request"
                                          : "user request; refresh token unreadable, not revoked"));
  if (!removed) {
    log::error("account delete failed",
               {{"user_id", user.id}, {"error_type", removed.error().message}});
    return std::unexpected(removed.error().unavailable() ? DisconnectError::kStoreUnavailable
                                                         : DisconnectError::kInternal);
  }
  if (!*removed) return std::unexpected(DisconnectError::kNotConnected);  // a concurrent disconnect
  if (!refresh) {
    metrics::registry().token_decryption_errors_total.inc();
    log::error("stored refresh token unreadable; not revoked",
               {{"user_id", user.id}, {"error_type", describe(refresh.error().error)}});
  } else if (!refresh->token.empty()) {
    revoke(user, (*account)->audible_user_id, refresh->token, "refresh_token", "on disconnect");
  }
  log::info("Audible account disconnected", {{"user_id", user.id}});
  return {};
}

void ConnectFlow::revoke_unstored(const User& user, const TokenGrant& grant) {
  // The refresh token, whose revocation a provider should extend to the grant's access tokens
  // (RFC 7009 2.1); the access token only when there is none. An access token left valid is held
  // by no one and expires within the hour.
  const bool has_refresh = !grant.refresh_token.empty();
  revoke(user, grant.user_id, has_refresh ? grant.refresh_token : grant.access_token,
         has_refresh ? "refresh_token" : "access_token", "grant not stored");
}

void ConnectFlow::revoke(const User& user, const std::string& audible_user_id, const Secret& token,
                         std::string_view type_hint, std::string reason) {
  if (auto revoked = provider_.revoke(token, type_hint); !revoked) {
    log::warning("token revocation failed", {{"user_id", user.id},
                                             {"error_type", revoked.error().reason},
                                             {"token_type", type_hint},
                                             {"reason", reason}});
    return;
  }
  log::info(type_hint == "refresh_token" ? "refresh token revoked" : "access token revoked",
            {{"user_id", user.id}, {"reason", reason}});
  // Changes nothing stored (the account is gone already, or was never written), so it is
  // written alone.
  const auto noted = audit_.append(audit_event_now(audit_event::kRevoked, user.id, audible_user_id,
                                                   audit_context_here(std::move(reason))));
  if (!noted) {
    log::error("audit event not written",
               {{"user_id", user.id}, {"error_type", noted.error().message}});
  }
}

}  // namespace ac
