#pragma once

#include <memory>

#include "store/pg_connection.h"
#include "store/sync_lease_store.h"

namespace ac {

// SyncLeaseStore on PostgreSQL: a claim is one UPDATE over rows picked FOR UPDATE SKIP LOCKED, so
// instances claiming at once take different accounts without waiting for each other.
class PgSyncLeaseStore final : public SyncLeaseStore {
 public:
  explicit PgSyncLeaseStore(std::shared_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  std::expected<std::vector<SyncClaim>, StoreError> claim_due(std::string_view owner,
                                                              const SyncTimes& times,
                                                              std::int64_t lease_until_ms,
                                                              int limit) override;
  std::expected<void, StoreError> release(std::string_view user_id, std::string_view owner,
                                          std::optional<std::int64_t> next_due_at_ms) override;
  std::expected<DueSummary, StoreError> due_summary(const SyncTimes& times) override;

 private:
  std::shared_ptr<PgPool> pool_;
};

}  // namespace ac
