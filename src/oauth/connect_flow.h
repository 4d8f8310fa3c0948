#pragma once

// Linking an Audible account: begin (state + PKCE + the authorize URL), complete (state first,
// then the code exchange with the stored verifier, then one write of the account) and disconnect
// (delete, then revoke at the provider, best effort). Errors are values; the HTTP layer alone
// turns them into the contract's codes. Blocking: runs on the worker pool.
//
// Audit: the link writes "linked" and the delete "disconnected", each with its store change; a
// revocation the provider accepted writes "revoked" afterwards, on its own (it changes nothing
// stored). A disconnect without "revoked" after it left the refresh token valid at the provider.

#include <expected>
#include <optional>
#include <string>

#include "auth/user.h"
#include "config/settings.h"
#include "crypto/token_cipher.h"
#include "oauth/provider_client.h"
#include "oauth/state_store.h"
#include "store/account_store.h"
#include "store/audit_log.h"

namespace ac {

struct AuthorizationStart {
  std::string auth_url;
  std::string state;
  std::string code_challenge;
};

struct CallbackInput {
  std::string state;
  std::optional<std::string> code;
  std::optional<std::string> iss;
  std::optional<std::string> error;  // the provider redirected with an error instead of a code
};

enum class ConnectError {
  kInvalidState,         // unknown, used, expired, another user's, or a wrong issuer
  kDenied,               // the provider sent an error: the user said no
  kProviderRejected,     // the provider refused the code
  kProviderUnavailable,  // the provider could not be reached or answered nonsense
  kStoreUnavailable,     // the state store or the database could not be reached
  kInternal,             // encryption or store failure
};

enum class DisconnectError { kNotConnected, kStoreUnavailable, kInternal };

class ConnectFlow {
 public:
  ConnectFlow(const Settings& settings, StateStore& states, ProviderClient& provider,
              const TokenCipher& cipher, AccountStore& accounts, AuditLog& audit);

  std::expected<AuthorizationStart, ConnectError> begin(const User& user);
  std::expected<AccountRecord, ConnectError> complete(const User& user, const CallbackInput& input);
  std::expected<void, DisconnectError> disconnect(const User& user);

 private:
  // Logs a failed code exchange (or a failed naming of its grant); returns the caller's answer.
  ConnectError exchange_failed(const User& user, const ProviderError& error);
  std::expected<AccountRecord, ConnectError> store_grant(const User& user, TokenGrant grant);
  // Best effort: a failure is logged, a success written to the audit trail.
  void revoke(const User& user, const std::string& audible_user_id, const Secret& token,
              std::string_view type_hint, std::string reason);
  // The tokens of a grant the account store never took.
  void revoke_unstored(const User& user, const TokenGrant& grant);

  const Settings& settings_;
  StateStore& states_;
  ProviderClient& provider_;
  const TokenCipher& cipher_;
  AccountStore& accounts_;
  AuditLog& audit_;
};

}  // namespace ac
