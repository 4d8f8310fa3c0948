#pragma once

// LibraryStore on PostgreSQL: each write is one transaction on a pooled connection that first
// marks the account synced, then writes the items in one batched statement. Safe to use from many
// threads.

#include <functional>
#include <memory>

#include "store/library_store.h"
#include "store/pg_connection.h"

namespace ac {

class PgLibraryStore final : public LibraryStore {
 public:
  explicit PgLibraryStore(std::shared_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  std::expected<bool, StoreError> replace(const std::string& user_id,
                                          const std::vector<Audiobook>& items,
                                          const SyncMark& mark) override;
  std::expected<bool, StoreError> apply(const std::string& user_id, const LibraryChanges& changes,
                                        const SyncMark& mark) override;
  std::expected<std::vector<Audiobook>, StoreError> page(const std::string& user_id,
                                                         std::int64_t skip,
                                                         std::int64_t limit) override;
  std::expected<std::int64_t, StoreError> count(const std::string& user_id) override;
  std::expected<std::set<std::string>, StoreError> owned(
      const std::string& user_id, const std::vector<std::string>& asins) override;

 private:
  // One transaction: mark the account synced, then `write_items`; false when the account is gone.
  std::expected<bool, StoreError> synced_write(
      const std::string& user_id, const SyncMark& mark,
      const std::function<std::expected<void, StoreError>(PgConnection&)>& write_items);

  std::shared_ptr<PgPool> pool_;
};

}  // namespace ac
