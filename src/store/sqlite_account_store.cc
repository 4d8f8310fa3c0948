#include "store/sqlite_account_store.h"

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

}  // namespace

std::expected<std::optional<AccountRecord>, StoreError> SqliteAccountStore::find(
    std::string_view user_id) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  return select_account(lease->get(), user_id);
}

std::expected<AccountRecord, StoreError> SqliteAccountStore::connect(AccountRecord record) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<AccountRecord>(db, [&]() -> std::expected<AccountRecord, StoreError> {
    auto previous = select_account(db, record.user_id);
    if (!previous) return std::unexpected(previous.error());
    record.version = *previous ? (*previous)->version + 1 : 1;
    record.token_version = *previous ? (*previous)->token_version + 1 : 1;
    if (auto done = write_account(db, record); !done) return std::unexpected(done.error());
    // A reconnect replaces the account whole, its library too.
    if (auto done = erase_library(db, record.user_id); !done) return std::unexpected(done.error());
    return record;
  });
}

std::expected<bool, StoreError> SqliteAccountStore::remove(std::string_view user_id) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<bool>(db, [&]() -> std::expected<bool, StoreError> {
    SqliteStatement erase(db, "DELETE FROM accounts WHERE user_id = ?");
    erase.bind(1, user_id);
    if (auto done = erase.run(); !done) return std::unexpected(done.error());
    return sqlite3_changes(db) > 0;
  });
}

std::expected<std::optional<AccountRecord>, StoreError> SqliteAccountStore::update_tokens(
    std::string_view user_id, std::int64_t expected_token_version, const std::string& access_token,
    const std::string& refresh_token, std::int64_t expires_at) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<std::optional<AccountRecord>>(
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
        return select_account(db, user_id);
      });
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
    std::string_view user_id, std::int64_t failed_token_version) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement update(lease->get(),
                         "UPDATE accounts SET sync_status = 'reauth_required', "
                         "last_sync_error = 'Token refresh failed', version = version + 1 "
                         "WHERE user_id = ? AND token_version = ?");
  update.bind(1, user_id).bind(2, failed_token_version);
  if (auto done = update.run(); !done) return std::unexpected(done.error());
  return sqlite3_changes(lease->get()) > 0;
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
    const std::vector<TokenReseal>& batch) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<std::vector<bool>>(
      db, [&]() -> std::expected<std::vector<bool>, StoreError> {
        SqliteStatement update(db,
                               "UPDATE accounts SET access_token = ?, refresh_token = ?, "
                               "version = version + 1 WHERE user_id = ? AND token_version = ?");
        std::vector<bool> written;
        for (const auto& entry : batch) {
          update.reset();
          update.bind(1, entry.access_token)
              .bind(2, entry.refresh_token)
              .bind(3, entry.user_id)
              .bind(4, entry.token_version);
          if (auto done = update.run(); !done) return std::unexpected(done.error());
          written.push_back(sqlite3_changes(db) > 0);
        }
        return written;
      });
}

std::expected<ImportOutcome, StoreError> SqliteAccountStore::import(const AccountRecord& record) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<ImportOutcome>(db, [&]() -> std::expected<ImportOutcome, StoreError> {
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
    return *previous ? ImportOutcome::kUpdated : ImportOutcome::kInserted;
  });
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
