#include "store/sqlite_sync_lease_store.h"

namespace ac {
namespace {

// When an account falls due (?2 is the floor after its last sync), and which accounts are due at
// ?1 at all.
const std::string kDueAt =
    "max(COALESCE(sync_due_at, 0), COALESCE(synced_at, connected_at) * 1000 + ?2)";
const std::string kIsDue = "sync_status <> 'reauth_required' AND " + kDueAt + " <= ?1";

}  // namespace

std::expected<std::vector<SyncClaim>, StoreError> SqliteSyncLeaseStore::claim_due(
    std::string_view owner, const SyncTimes& times, std::int64_t lease_until_ms, int limit) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<std::vector<SyncClaim>>(
      db, [&]() -> std::expected<std::vector<SyncClaim>, StoreError> {
        SqliteStatement claim(db,
                              "UPDATE accounts SET sync_lease_owner = ?3, sync_lease_until = ?4 "
                              "WHERE user_id IN (SELECT user_id FROM accounts WHERE " +
                                  kIsDue +
                                  " AND (sync_lease_until IS NULL OR sync_lease_until <= ?1) "
                                  "ORDER BY " +
                                  kDueAt + ", user_id LIMIT ?5) RETURNING user_id, " + kDueAt);
        claim.bind(1, times.now_ms)
            .bind(2, times.floor_ms)
            .bind(3, owner)
            .bind(4, lease_until_ms)
            .bind(5, static_cast<std::int64_t>(limit));
        std::vector<SyncClaim> claims;
        while (true) {
          auto row = claim.step();
          if (!row) return std::unexpected(row.error());
          if (!*row) return claims;
          claims.push_back({claim.text(0), claim.integer(1)});
        }
      });
}

std::expected<void, StoreError> SqliteSyncLeaseStore::release(
    std::string_view user_id, std::string_view owner, std::optional<std::int64_t> next_due_at_ms) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement update(lease->get(),
                         "UPDATE accounts SET sync_due_at = COALESCE(?1, sync_due_at), "
                         "sync_lease_owner = NULL, sync_lease_until = NULL "
                         "WHERE user_id = ?2 AND sync_lease_owner = ?3");
  update.bind(1, next_due_at_ms).bind(2, user_id).bind(3, owner);
  return update.run();
}

std::expected<DueSummary, StoreError> SqliteSyncLeaseStore::due_summary(const SyncTimes& times) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement select(lease->get(),
                         "SELECT COUNT(*), MIN(" + kDueAt + ") FROM accounts WHERE " + kIsDue);
  select.bind(1, times.now_ms).bind(2, times.floor_ms);
  auto row = select.step();
  if (!row) return std::unexpected(row.error());
  return DueSummary{select.integer(0), select.optional_integer(1)};
}

}  // namespace ac
