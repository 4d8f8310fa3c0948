#pragma once

#include <memory>

#include "store/sqlite_database.h"
#include "store/sync_lease_store.h"

namespace ac {

// SyncLeaseStore on SQLite: a claim is one UPDATE ... RETURNING in a writer transaction, which
// SQLite runs one at a time.
class SqliteSyncLeaseStore final : public SyncLeaseStore {
 public:
  explicit SqliteSyncLeaseStore(std::shared_ptr<SqliteDatabase> database)
      : database_(std::move(database)) {}

  std::expected<std::vector<SyncClaim>, StoreError> claim_due(std::string_view owner,
                                                              const SyncTimes& times,
                                                              std::int64_t lease_until_ms,
                                                              int limit) override;
  std::expected<void, StoreError> release(std::string_view user_id, std::string_view owner,
                                          std::optional<std::int64_t> next_due_at_ms) override;
  std::expected<DueSummary, StoreError> due_summary(const SyncTimes& times) override;

 private:
  std::shared_ptr<SqliteDatabase> database_;
};

}  // namespace ac
