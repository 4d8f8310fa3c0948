#include "store/pg_account_store.h"

#include <algorithm>

#include "store/pg_audit_log.h"

namespace ac {
namespace {

const std::string kColumns =
    "user_id, audible_user_id, access_token, refresh_token, expires_at, connected_at, synced_at, "
    "last_sync_error, sync_status, library_state_token, version, token_version";

AccountRecord read_account(const PgResult& rows, int row = 0) {
  AccountRecord a;
  a.user_id = rows.text(row, 0);
  a.audible_user_id = rows.text(row, 1);
  a.access_token = rows.text(row, 2);
  a.refresh_token = rows.text(row, 3);
  a.expires_at = rows.integer(row, 4);
  a.connected_at = rows.integer(row, 5);
  a.synced_at = rows.optional_integer(row, 6);
  a.last_sync_error = rows.optional_text(row, 7);
  a.sync_status = rows.text(row, 8);
  a.library_state_token = rows.optional_text(row, 9);
  a.version = rows.integer(row, 10);
  a.token_version = rows.integer(row, 11);
  return a;
}

// The account a statement returned (RETURNING or SELECT), or nullopt when it returned none.
std::expected<std::optional<AccountRecord>, StoreError> first_account(
    std::expected<PgResult, StoreError> rows) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows() == 0) return std::optional<AccountRecord>();
  return read_account(*rows);
}

// Inserts the account at versions 1, or replaces the user's row in place with both versions one
// up; returns the row.
std::expected<PgResult, StoreError> upsert_account(PgConnection& conn,
                                                   const AccountRecord& record) {
  return conn.exec(
      "INSERT INTO accounts (" + kColumns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 1) "
          "ON CONFLICT (user_id) DO UPDATE SET audible_user_id = EXCLUDED.audible_user_id, "
          "access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token, "
          "expires_at = EXCLUDED.expires_at, connected_at = EXCLUDED.connected_at, "
          "synced_at = EXCLUDED.synced_at, last_sync_error = EXCLUDED.last_sync_error, "
          "sync_status = EXCLUDED.sync_status, "
          "library_state_token = EXCLUDED.library_state_token, "
          "version = accounts.version + 1, token_version = accounts.token_version + 1 "
          "RETURNING " +
          kColumns,
      PgParams()
          .add(record.user_id)
          .add(record.audible_user_id)
          .add(record.access_token)
          .add(record.refresh_token)
          .add(record.expires_at)
          .add(record.connected_at)
          .add(record.synced_at)
          .add(record.last_sync_error)
          .add(record.sync_status)
          .add(record.library_state_token));
}

std::expected<PgResult, StoreError> erase_library(PgConnection& conn, std::string_view user_id) {
  return conn.exec("DELETE FROM library_items WHERE user_id = $1", PgParams().add(user_id));
}

// The audible_user_id a write "RETURNING audible_user_id" gave back; nullopt when it touched no
// account.
std::expected<std::optional<std::string>, StoreError> returned_audible_user_id(
    std::expected<PgResult, StoreError> rows) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows() == 0) return std::optional<std::string>();
  return rows->text(0, 0);
}

// Ends a transaction body that wrote `event` when `touched`: the event and the result.
template <typename T>
std::expected<T, StoreError> with_event(PgConnection& conn, std::string_view event,
                                        std::string_view user_id,
                                        const std::optional<std::string>& touched,
                                        const AuditContext& who, T result) {
  if (touched) {
    auto done = insert_audit_event(conn, audit_event_now(event, user_id, *touched, who));
    if (!done) return std::unexpected(done.error());
  }
  return result;
}

}  // namespace

std::expected<std::optional<AccountRecord>, StoreError> PgAccountStore::find(
    std::string_view user_id) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  return first_account((*lease)->exec("SELECT " + kColumns + " FROM accounts WHERE user_id = $1",
                                      PgParams().add(user_id)));
}

std::expected<AccountRecord, StoreError> PgAccountStore::connect(AccountRecord record,
                                                                 const AuditContext& who) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  auto linked =
      pg_transaction<AccountRecord>(conn, [&]() -> std::expected<AccountRecord, StoreError> {
        // One statement, so that concurrent connects of one user queue on the row instead of
        // racing.
        auto stored = first_account(upsert_account(conn, record));
        if (!stored) return std::unexpected(stored.error());
        // A reconnect replaces the account whole, its library too.
        if (auto erased = erase_library(conn, record.user_id); !erased) {
          return std::unexpected(erased.error());
        }
        return with_event(conn, audit_event::kLinked, record.user_id, (*stored)->audible_user_id,
                          who, **stored);
      });
  if (linked) count_audit_event(audit_event::kLinked);
  return linked;
}

std::expected<bool, StoreError> PgAccountStore::remove(std::string_view user_id,
                                                       const AuditContext& who) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  auto removed = pg_transaction<bool>(conn, [&]() -> std::expected<bool, StoreError> {
    auto gone = returned_audible_user_id(
        conn.exec("DELETE FROM accounts WHERE user_id = $1 RETURNING audible_user_id",
                  PgParams().add(user_id)));
    if (!gone) return std::unexpected(gone.error());
    return with_event(conn, audit_event::kDisconnected, user_id, *gone, who, gone->has_value());
  });
  if (removed && *removed) count_audit_event(audit_event::kDisconnected);
  return removed;
}

std::expected<std::optional<AccountRecord>, StoreError> PgAccountStore::update_tokens(
    std::string_view user_id, std::int64_t expected_token_version, const std::string& access_token,
    const std::string& refresh_token, std::int64_t expires_at, const AuditContext& who) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  auto updated = pg_transaction<std::optional<AccountRecord>>(
      conn, [&]() -> std::expected<std::optional<AccountRecord>, StoreError> {
        // Concurrent refreshes queue on the row lock; once the first commits, the others'
        // condition no longer holds and they update nothing.
        auto stored = first_account(
            conn.exec("UPDATE accounts SET access_token = $1, refresh_token = $2, expires_at = $3, "
                      "version = version + 1, token_version = token_version + 1 "
                      "WHERE user_id = $4 AND token_version = $5 RETURNING " +
                          kColumns,
                      PgParams()
                          .add(access_token)
                          .add(refresh_token)
                          .add(expires_at)
                          .add(user_id)
                          .add(expected_token_version)));
        if (!stored || !*stored) return stored;
        return with_event(conn, audit_event::kRefreshed, user_id,
                          std::optional((*stored)->audible_user_id), who, *stored);
      });
  if (updated && *updated) count_audit_event(audit_event::kRefreshed);
  return updated;
}

std::expected<void, StoreError> PgAccountStore::record_sync_failure(std::string_view user_id,
                                                                    std::string_view sync_status,
                                                                    std::string_view error) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto updated = (*lease)->exec(
      "UPDATE accounts SET sync_status = $1, last_sync_error = $2, version = version + 1 "
      "WHERE user_id = $3",
      PgParams().add(sync_status).add(error).add(user_id));
  if (!updated) return std::unexpected(updated.error());
  return {};
}

std::expected<bool, StoreError> PgAccountStore::mark_reauth_required(
    std::string_view user_id, std::int64_t failed_token_version, const AuditContext& who) {
  return mark_and_audit(user_id, failed_token_version,
                        "UPDATE accounts SET sync_status = 'reauth_required', "
                        "last_sync_error = 'Token refresh failed', version = version + 1 "
                        "WHERE user_id = $1 AND token_version = $2 RETURNING audible_user_id",
                        audit_event::kRefreshRefused, who);
}

std::expected<bool, StoreError> PgAccountStore::record_decryption_failure(
    std::string_view user_id, std::int64_t token_version, const AuditContext& who) {
  return mark_and_audit(user_id, token_version,
                        "UPDATE accounts SET sync_status = 'reauth_required', "
                        "last_sync_error = 'Token decryption failed', version = version + 1 "
                        "WHERE user_id = $1 AND token_version = $2 AND (sync_status <> "
                        "'reauth_required' OR last_sync_error IS NULL OR "
                        "last_sync_error <> 'Token decryption failed') RETURNING audible_user_id",
                        audit_event::kDecryptionFailed, who);
}

std::expected<bool, StoreError> PgAccountStore::mark_and_audit(std::string_view user_id,
                                                               std::int64_t token_version,
                                                               const std::string& update_sql,
                                                               std::string_view event,
                                                               const AuditContext& who) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  auto marked = pg_transaction<bool>(conn, [&]() -> std::expected<bool, StoreError> {
    auto touched =
        returned_audible_user_id(conn.exec(update_sql, PgParams().add(user_id).add(token_version)));
    if (!touched) return std::unexpected(touched.error());
    return with_event(conn, event, user_id, *touched, who, touched->has_value());
  });
  if (marked && *marked) count_audit_event(event);
  return marked;
}

std::expected<std::vector<AccountRecord>, StoreError> PgAccountStore::scan(
    std::string_view after_user_id, int limit) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto rows = (*lease)->exec("SELECT " + kColumns +
                                 " FROM accounts WHERE user_id COLLATE \"C\" > $1 "
                                 "ORDER BY user_id COLLATE \"C\" LIMIT $2",
                             PgParams().add(after_user_id).add(static_cast<std::int64_t>(limit)));
  if (!rows) return std::unexpected(rows.error());
  std::vector<AccountRecord> accounts;
  for (int row = 0; row < rows->rows(); ++row) accounts.push_back(read_account(*rows, row));
  return accounts;
}

std::expected<std::vector<bool>, StoreError> PgAccountStore::reseal(
    const std::vector<TokenReseal>& batch, const AuditContext& who) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  auto written = pg_transaction<std::vector<bool>>(
      conn, [&]() -> std::expected<std::vector<bool>, StoreError> {
        std::vector<bool> changed;
        for (const auto& entry : batch) {
          auto touched = returned_audible_user_id(conn.exec(
              "UPDATE accounts SET access_token = $1, refresh_token = $2, version = version + 1 "
              "WHERE user_id = $3 AND token_version = $4 RETURNING audible_user_id",
              PgParams()
                  .add(entry.access_token)
                  .add(entry.refresh_token)
                  .add(entry.user_id)
                  .add(entry.token_version)));
          if (!touched) return std::unexpected(touched.error());
          auto noted = with_event(conn, audit_event::kReencrypted, entry.user_id, *touched, who,
                                  touched->has_value());
          if (!noted) return std::unexpected(noted.error());
          changed.push_back(*noted);
        }
        return changed;
      });
  if (written) count_audit_event(audit_event::kReencrypted, std::ranges::count(*written, true));
  return written;
}

std::expected<ImportOutcome, StoreError> PgAccountStore::import(const AccountRecord& record,
                                                                const AuditContext& who) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  auto outcome =
      pg_transaction<ImportOutcome>(conn, [&]() -> std::expected<ImportOutcome, StoreError> {
        // Locked, so that a connect or another import of this user waits for this decision.
        auto previous = first_account(
            conn.exec("SELECT " + kColumns + " FROM accounts WHERE user_id = $1 FOR UPDATE",
                      PgParams().add(record.user_id)));
        if (!previous) return std::unexpected(previous.error());
        if (*previous && !is_newer_import(record, **previous)) return ImportOutcome::kUnchanged;
        const bool same_audible_account =
            *previous && (*previous)->audible_user_id == record.audible_user_id;
        AccountRecord stored = record;
        stored.library_state_token =
            same_audible_account ? (*previous)->library_state_token : std::nullopt;
        if (auto written = upsert_account(conn, stored); !written) {
          return std::unexpected(written.error());
        }
        if (*previous && !same_audible_account) {
          // Another Audible account: the library synced from the old one goes, as with a reconnect.
          if (auto erased = erase_library(conn, record.user_id); !erased) {
            return std::unexpected(erased.error());
          }
        }
        const ImportOutcome done = *previous ? ImportOutcome::kUpdated : ImportOutcome::kInserted;
        return with_event(conn, audit_event::kImported, record.user_id, record.audible_user_id,
                          import_context(who, done), done);
      });
  if (outcome && *outcome != ImportOutcome::kUnchanged) count_audit_event(audit_event::kImported);
  return outcome;
}

std::expected<void, StoreError> PgAccountStore::ping() {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto probe = (*lease)->exec("SELECT 1");
  if (!probe) return std::unexpected(probe.error());
  return {};
}

}  // namespace ac
