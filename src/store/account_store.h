#pragma once

// Linked Audible accounts (CONTRACT.md section 7): the seeds' UserAudibleAccount plus the library
// state token, a version that goes up with every write, and a token version that goes up only
// when the tokens change (a connect or a refresh). Implementations are safe to call from many
// threads at once; every call is one transaction and may block.
//
// Every method that takes an AuditContext is a token operation: when it changes the account it
// also writes one audit event (store/audit_log.h) in the same transaction, and none when it
// changes nothing. A failed call leaves neither the change nor the event.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_log.h"
#include "store/store_error.h"

namespace ac {

struct AccountRecord {
  std::string user_id;
  std::string audible_user_id;
  std::string access_token;     // as stored: a Fernet token (plaintext only in legacy rows)
  std::string refresh_token;    // likewise
  std::int64_t expires_at = 0;  // unix seconds
  std::int64_t connected_at = 0;
  std::optional<std::int64_t> synced_at;
  std::optional<std::string> last_sync_error;
  std::string sync_status = "never_synced";
  std::optional<std::string> library_state_token;
  std::int64_t version = 0;
  // Changes with the tokens only, so that a sync's bookkeeping never makes a refresh lose the
  // tokens the provider just issued (a rotated refresh token is the only one that still works).
  std::int64_t token_version = 0;
};

// The same tokens under another key (rotate-keys, or a legacy plaintext token read): written only
// while the account's tokens are still those at `token_version`.
struct TokenReseal {
  std::string user_id;
  std::int64_t token_version = 0;
  std::string access_token;
  std::string refresh_token;
};

enum class ImportOutcome { kInserted, kUpdated, kUnchanged };

// Whether an imported account replaces the stored one: linked later, or the same link refreshed
// later (import-mongo run again after the Python service refreshed).
inline bool is_newer_import(const AccountRecord& given, const AccountRecord& stored) {
  if (given.connected_at != stored.connected_at) return given.connected_at > stored.connected_at;
  return given.expires_at > stored.expires_at;
}

// An import's audit context: the caller's reason (where in the dump), then what was done.
inline AuditContext import_context(AuditContext who, ImportOutcome outcome) {
  const std::string_view done = outcome == ImportOutcome::kInserted ? "inserted" : "updated";
  who.reason = who.reason.empty() ? std::string(done) : who.reason + ": " + std::string(done);
  return who;
}

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  virtual std::expected<std::optional<AccountRecord>, StoreError> find(
      std::string_view user_id) = 0;
  // Inserts the account, or replaces the user's earlier one whole (a reconnect). Returns it as
  // stored, with its new version and token version (both above any the user had before).
  // Audit: linked.
  virtual std::expected<AccountRecord, StoreError> connect(AccountRecord record,
                                                           const AuditContext& who) = 0;
  // Removes the account and everything stored for it; false when there was none.
  // Audit: disconnected.
  virtual std::expected<bool, StoreError> remove(std::string_view user_id,
                                                 const AuditContext& who) = 0;
  // Stores refreshed tokens, only if the account's tokens are still those at
  // `expected_token_version` (nobody else refreshed or reconnected meanwhile; other writes do not
  // matter). nullopt when they are not, or the account is gone. Audit: refreshed.
  virtual std::expected<std::optional<AccountRecord>, StoreError> update_tokens(
      std::string_view user_id, std::int64_t expected_token_version,
      const std::string& access_token, const std::string& refresh_token, std::int64_t expires_at,
      const AuditContext& who) = 0;
  // A failed sync: the library stays as it was; the account says why.
  virtual std::expected<void, StoreError> record_sync_failure(std::string_view user_id,
                                                              std::string_view sync_status,
                                                              std::string_view error) = 0;
  // Marks the account reauth_required ("Token refresh failed"), only if its tokens are still those
  // at `failed_token_version`; false when a refresh or a reconnect replaced them meanwhile.
  // Audit: refresh_refused.
  virtual std::expected<bool, StoreError> mark_reauth_required(std::string_view user_id,
                                                               std::int64_t failed_token_version,
                                                               const AuditContext& who) = 0;
  // A stored token that no configured key opens: marks the account reauth_required ("Token
  // decryption failed") if its tokens are still those at `token_version` and it is not marked so
  // already. True only for the first failure of an episode (until a reconnect or a successful
  // sync clears the mark), so that requests that keep failing write one event, not one each.
  // Audit: decryption_failed.
  virtual std::expected<bool, StoreError> record_decryption_failure(std::string_view user_id,
                                                                    std::int64_t token_version,
                                                                    const AuditContext& who) = 0;
  // Up to `limit` accounts whose user_id sorts after `after_user_id` (empty: from the first), in
  // user_id order: a walk over every account in batches.
  virtual std::expected<std::vector<AccountRecord>, StoreError> scan(std::string_view after_user_id,
                                                                     int limit) = 0;
  // Writes the batch in one transaction; per entry, whether it was written (false: a refresh or a
  // reconnect changed the tokens meanwhile, or the account is gone). The token version stays as it
  // is, since the tokens themselves did not change: a refresh in flight still lands.
  // Audit: reencrypted, per account written.
  virtual std::expected<std::vector<bool>, StoreError> reseal(const std::vector<TokenReseal>& batch,
                                                              const AuditContext& who) = 0;
  // An account from another system (import-mongo), written whole in one transaction: inserted when
  // the user has none; replacing the stored one when the given one is newer (a later
  // connected_at, or the same and a later expires_at: a refresh); otherwise left as it is. A
  // replacement with another audible_user_id drops the library synced from the old one.
  // Audit: imported (reason: `who.reason`, then "inserted" or "updated"), unless unchanged.
  virtual std::expected<ImportOutcome, StoreError> import(const AccountRecord& record,
                                                          const AuditContext& who) = 0;
  // Answers when the store is reachable.
  virtual std::expected<void, StoreError> ping() = 0;
};

}  // namespace ac
