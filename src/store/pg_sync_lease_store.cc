#include "store/pg_sync_lease_store.h"

namespace ac {
namespace {

// When an account falls due ($2 is the floor after its last sync), and which accounts are due at
// $1 at all.
const std::string kDueAt =
    "GREATEST(COALESCE(sync_due_at, 0), COALESCE(synced_at, connected_at) * 1000 + $2)";
const std::string kIsDue = "sync_status <> 'reauth_required' AND " + kDueAt + " <= $1";

}  // namespace

std::expected<std::vector<SyncClaim>, StoreError> PgSyncLeaseStore::claim_due(
    std::string_view owner, const SyncTimes& times, std::int64_t lease_until_ms, int limit) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  // The row lock re-checks the inner WHERE against a lease another instance just committed.
  auto rows = (*lease)->exec(
      "UPDATE accounts SET sync_lease_owner = $3, sync_lease_until = $4 "
      "WHERE user_id IN (SELECT user_id FROM accounts WHERE " +
          kIsDue + " AND (sync_lease_until IS NULL OR sync_lease_until <= $1) ORDER BY " + kDueAt +
          ", user_id LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING user_id, " + kDueAt,
      PgParams()
          .add(times.now_ms)
          .add(times.floor_ms)
          .add(owner)
          .add(lease_until_ms)
          .add(static_cast<std::int64_t>(limit)));
  if (!rows) return std::unexpected(rows.error());
  std::vector<SyncClaim> claims;
  for (int row = 0; row < rows->rows(); ++row) {
    claims.push_back({rows->text(row, 0), rows->integer(row, 1)});
  }
  return claims;
}

std::expected<void, StoreError> PgSyncLeaseStore::release(
    std::string_view user_id, std::string_view owner, std::optional<std::int64_t> next_due_at_ms) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto updated = (*lease)->exec(
      "UPDATE accounts SET sync_due_at = COALESCE($1::BIGINT, sync_due_at), "
      "sync_lease_owner = NULL, sync_lease_until = NULL "
      "WHERE user_id = $2 AND sync_lease_owner = $3",
      PgParams().add(next_due_at_ms).add(user_id).add(owner));
  if (!updated) return std::unexpected(updated.error());
  return {};
}

std::expected<DueSummary, StoreError> PgSyncLeaseStore::due_summary(const SyncTimes& times) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto rows = (*lease)->exec("SELECT COUNT(*), MIN(" + kDueAt + ") FROM accounts WHERE " + kIsDue,
                             PgParams().add(times.now_ms).add(times.floor_ms));
  if (!rows) return std::unexpected(rows.error());
  return DueSummary{rows->integer(0, 0), rows->optional_integer(0, 1)};
}

}  // namespace ac
