#include "store/sqlite_account_store.h"

#include <algorithm>

#include "store/sqlite_audit_log.h"

namespace ac {
namespace {

constexpr std::string_view kColumns =
    "user_id, audible_user_id, access_token, refresh_token, expires_at, connected_at, synced_at, "
    "last_sync_error, sync_status, library_state_token, version, token_version";

AccountRecord read_account(const SqliteStatement& row) {
  AccountRecord a;
  a.user_id = row.text(0);
  a.audible_user_id = row.text(1);
  a.access_token = row.text(2);
  a.refresh_token = row.text(3);
  a.expires_at = row.integer(4);
  a.connected_at = row.integer(5);
  a.synced_at = row.optional_integer(6);
  a.last_sync_error = row.optional_text(7);
  a.sync_status = row.text(8);
  a.library_state_token = row.optional_text(9);
  a.version = row.integer(10);
  a.token_version = row.integer(11);
  return a;
}

std::expected<std::optional<AccountRecord>, StoreError> select_account(sqlite3* db,
                                                                       std::string_view user_id) {
  SqliteStatement select(db,
                         "SELECT " + std::string(kColumns) + " FROM accounts WHERE user_id = ?");
  select.bind(1, user_id);
  auto row = select.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<AccountRecord>();
  return read_account(select);
}

// Writes `record` whole, with the versions it carries. An update in place: the library stays.
std::expected<void, StoreError> write_account(sqlite3* db, const AccountRecord& record) {
  SqliteStatement upsert(
      db, "INSERT INTO accounts (" + std::string(kColumns) +
              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
              "audible_user_id = excluded.audible_user_id, access_token = excluded.access_token, "
              "refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, "
              "connected_at = excluded.connected_at, synced_at = excluded.synced_at, "
              "last_sync_error = excluded.last_sync_error, sync_status = excluded.sync_status, "
              "library_state_token = excluded.library_state_token, version = excluded.version, "
              "token_version = excluded.token_version");
  upsert.bind(1, record.user_id)
      .bind(2, record.audible_user_id)
      .bind(3, record.access_token)
      .bind(4, record.refresh_token)
      .bind(5, record.expires_at)
      .bind(6, record.connected_at)
      .bind(7, record.synced_at)
      .bind(8, record.last_sync_error)
      .bind(9, record.sync_status)
      .bind(10, record.library_state_token)
      .bind(11, record.version)
      .bind(12, record.token_version);
  return upsert.run();
}

std::expected<void, StoreError> erase_library(sqlite3* db, std::string_view user_id) {
  SqliteStatement erase(db, "DELETE FROM library_items WHERE user_id = ?");
  erase.bind(1, user_id);
  return erase.run();
}

// Runs a write that ends in "RETURNING audible_user_id": the account's audible_user_id when it
// touched the account, nullopt when it touched none.
std::expected<std::optional<std::string>, StoreError> run_returning(SqliteStatement& write) {
  auto row = write.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>();
  std::string audible_user_id = write.text(0);
  if (auto done = write.run(); !done) return std::unexpected(done.error());
  return audible_user_id;
}

// Ends a transaction body that wrote `event` when `touched`: the event and the result.
template <typename T>
std::expected<T, StoreError> with_event(sqlite3* db, std::string_view event,
                                        std::string_view user_id,
                                        const std::optional<std::string>& touched,
                                        const AuditContext& who, T result) {
  if (touched) {
    auto done = insert_audit_event(db, audit_event_now(event, user_id, *touched, who));
    if (!done) return std::unexpected(done.error());
  }
  return result;
}

}  // namespace

std::expected<std::optional<AccountRecord>, StoreError> SqliteAccountStore::find(
    std::string_view user_id) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  return select_account(lease->get(), user_id);
}

std::expected<AccountRecord, StoreError> SqliteAccountStore::connect(AccountRecord record,
                                                                     const AuditContext& who) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  auto stored =
      sqlite_transaction<AccountRecord>(db, [&]() -> std::expected<AccountRecord, StoreError> {
        auto previous = select_account(db, record.user_id);
        if (!previous) return std::unexpected(previous.error());
        record.version = *previous ? (*previous)->version + 1 : 1;
        record.token_version = *previous ? (*previous)->token_version + 1 : 1;
        if (auto done = write_account(db, record); !done) return std::unexpected(done.error());
        // A reconnect replaces the account whole, its library too.
        if (auto done = erase_library(db, record.user_id); !done) {
          return std::unexpected(done.error());
        }
        return with_event(db, audit_event::kLinked, record.user_id, record.audible_user_id, who,
                          record);
      });
  if (stored) count_audit_event(audit_event::kLinked);
  return stored;
}

std::expected<bool, StoreError> SqliteAccountStore::remove(std::string_view user_id,
                                                           const AuditContext& who) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  auto removed = sqlite_transaction<bool>(db, [&]() -> std::expected<bool, StoreError> {
    SqliteStatement erase(db, "DELETE FROM accounts WHERE user_id = ? RETURNING audible_user_id");
    erase.bind(1, user_id);
    auto gone = run_returning(erase);
    if (!gone) return std::unexpected(gone.error());
    return with_event(db, audit_event::kDisconnected, user_id, *gone, who, gone->has_value());
  });
  if (removed && *removed) count_audit_event(audit_event::kDisconnected);
  return removed;
}

std::expected<std::optional<AccountRecord>, StoreError> SqliteAccountStore::update_tokens(
    std::string_view user_id, std::int64_t expected_token_version, const std::string& access_token,
    const std::string& refresh_token, std::int64_t expires_at, const AuditContext& who) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  auto updated = sqlite_transaction<std::optional<AccountRecord>>(
      db, [&]() -> std::expected<std::optional<AccountRecord>, StoreError> {
        SqliteStatement update(db,
                               "UPDATE accounts SET access_token = ?, refresh_token = ?, "
                               "expires_at = ?, version = version + 1, "
                               "token_version = token_version + 1 "
                               "WHERE user_id = ? AND token_version = ?");
        update.bind(1, access_token)
            .bind(2, refresh_token)
            .bind(3, expires_at)
            .bind(4, user_id)
            .bind(5, expected_token_version);
        if (auto done = update.run(); !done) return std::unexpected(done.error());
        if (sqlite3_changes(db) == 0) return std::optional<AccountRecord>();
        auto stored = select_account(db, user_id);
        if (!stored || !*stored) return stored;
        return with_event(db, audit_event::kRefreshed, user_id,
                          std::optional((*stored)->audible_user_id), who, *stored);
      });
  if (updated && *updated) count_audit_event(audit_event::kRefreshed);
  return updated;
}

std::expected<void, StoreError> SqliteAccountStore::record_sync_failure(
    std::string_view user_id, std::string_view sync_status, std::string_view error) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement update(lease->get(),
                         "UPDATE accounts SET sync_status = ?, last_sync_error = ?, "
                         "version = version + 1 WHERE user_id = ?");
  update.bind(1, sync_status).bind(2, error).bind(3, user_id);
  return update.run();
}

std::expected<bool, StoreError> SqliteAccountStore::mark_reauth_required(
    std::string_view user_id, std::int64_t failed_token_version, const AuditContext& who) {
  return mark_and_audit(user_id, failed_token_version,
                        "UPDATE accounts SET sync_status = 'reauth_required', "
                        "last_sync_error = 'Token refresh failed', version = version + 1 "
                        "WHERE user_id = ? AND token_version = ? RETURNING audible_user_id",
                        audit_event::kRefreshRefused, who);
}

std::expected<bool, StoreError> SqliteAccountStore::record_decryption_failure(
    std::string_view user_id, std::int64_t token_version, const AuditContext& who) {
  return mark_and_audit(user_id, token_version,
                        "UPDATE accounts SET sync_status = 'reauth_required', "
                        "last_sync_error = 'Token decryption failed', version = version + 1 "
                        "WHERE user_id = ? AND token_version = ? AND (sync_status <> "
                        "'reauth_required' OR last_sync_error IS NULL OR "
                        "last_sync_error <> 'Token decryption failed') RETURNING audible_user_id",
                        audit_event::kDecryptionFailed, who);
}

std::expected<bool, StoreError> SqliteAccountStore::mark_and_audit(std::string_view user_id,
                                                                   std::int64_t token_version,
                                                                   std::string_view update_sql,
                                                                   std::string_view event,
                                                                   const AuditContext& who) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  auto marked = sqlite_transaction<bool>(db, [&]() -> std::expected<bool, StoreError> {
    SqliteStatement update(db, update_sql);
    update.bind(1, user_id).bind(2, token_version);
    auto touched = run_returning(update);
    if (!touched) return std::unexpected(touched.error());
    return with_event(db, event, user_id, *touched, who, touched->has_value());
  });
  if (marked && *marked) count_audit_event(event);
  return marked;
}

std::expected<std::vector<AccountRecord>, StoreError> SqliteAccountStore::scan(
    std::string_view after_user_id, int limit) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement select(lease->get(), "SELECT " + std::string(kColumns) +
                                           " FROM accounts WHERE user_id > ? "
                                           "ORDER BY user_id LIMIT ?");
  select.bind(1, after_user_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<AccountRecord> accounts;
  while (true) {
    auto row = select.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return accounts;
    accounts.push_back(read_account(select));
  }
}

std::expected<std::vector<bool>, StoreError> SqliteAccountStore::reseal(
    const std::vector<TokenReseal>& batch, const AuditContext& who) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  auto written = sqlite_transaction<std::vector<bool>>(
      db, [&]() -> std::expected<std::vector<bool>, StoreError> {
        SqliteStatement update(db,
                               "UPDATE accounts SET access_token = ?, refresh_token = ?, "
                               "version = version + 1 WHERE user_id = ? AND token_version = ? "
                               "RETURNING audible_user_id");
        std::vector<bool> changed;
        for (const auto& entry : batch) {
          update.reset();
          update.bind(1, entry.access_token)
              .bind(2, entry.refresh_token)
              .bind(3, entry.user_id)
              .bind(4, entry.token_version);
          auto touched = run_returning(update);
          if (!touched) return std::unexpected(touched.error());
          auto noted = with_event(db, audit_event::kReencrypted, entry.user_id, *touched, who,
                                  touched->has_value());
          if (!noted) return std::unexpected(noted.error());
          changed.push_back(*noted);
        }
        return changed;
      });
  if (written) count_audit_event(audit_event::kReencrypted, std::ranges::count(*written, true));
  return written;
}

std::expected<ImportOutcome, StoreError> SqliteAccountStore::import(const AccountRecord& record,
                                                                    const AuditContext& who) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  auto outcome =
      sqlite_transaction<ImportOutcome>(db, [&]() -> std::expected<ImportOutcome, StoreError> {
        auto previous = select_account(db, record.user_id);
        if (!previous) return std::unexpected(previous.error());
        if (*previous && !is_newer_import(record, **previous)) return ImportOutcome::kUnchanged;
        AccountRecord stored = record;
        stored.version = *previous ? (*previous)->version + 1 : 1;
        stored.token_version = *previous ? (*previous)->token_version + 1 : 1;
        const bool same_audible_account =
            *previous && (*previous)->audible_user_id == record.audible_user_id;
        if (same_audible_account) stored.library_state_token = (*previous)->library_state_token;
        if (auto done = write_account(db, stored); !done) return std::unexpected(done.error());
        if (*previous && !same_audible_account) {
          if (auto done = erase_library(db, record.user_id); !done) {
            return std::unexpected(done.error());
          }
        }
        const ImportOutcome done = *previous ? ImportOutcome::kUpdated : ImportOutcome::kInserted;
        return with_event(db, audit_event::kImported, record.user_id, record.audible_user_id,
                          import_context(who, done), done);
      });
  if (outcome && *outcome != ImportOutcome::kUnchanged) count_audit_event(audit_event::kImported);
  return outcome;
}

std::expected<void, StoreError> SqliteAccountStore::ping() {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement probe(lease->get(), "SELECT 1");
  auto row = probe.step();
  if (!row) return std::unexpected(row.error());
  return {};
}

}  // namespace ac
