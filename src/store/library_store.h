#pragma once

// The service's own copy of each user's Audible library. Every write lands whole, together with
// the account's sync fields, or not at all.

#include <cstdint>
#include <expected>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audible/audiobook.h"
#include "store/account_store.h"

namespace ac {

struct LibraryChanges {
  std::vector<Audiobook> upserts;
  std::vector<std::string> removals;  // ASINs
};

struct SyncMark {
  std::optional<std::string> state_token;  // the provider's state-token header, for next time
  std::int64_t synced_at = 0;
};

class LibraryStore {
 public:
  virtual ~LibraryStore() = default;

  // The whole library becomes `items`; the account is marked synced. False when the account is
  // gone (disconnected meanwhile); nothing is written then.
  virtual std::expected<bool, StoreError> replace(const std::string& user_id,
                                                  const std::vector<Audiobook>& items,
                                                  const SyncMark& mark) = 0;
  // Applies an incremental sync; same contract as replace().
  virtual std::expected<bool, StoreError> apply(const std::string& user_id,
                                                const LibraryChanges& changes,
                                                const SyncMark& mark) = 0;
  // Newest purchase first, then by ASIN.
  virtual std::expected<std::vector<Audiobook>, StoreError> page(const std::string& user_id,
                                                                 std::int64_t skip,
                                                                 std::int64_t limit) = 0;
  virtual std::expected<std::int64_t, StoreError> count(const std::string& user_id) = 0;
  // Which of `asins` the user owns.
  virtual std::expected<std::set<std::string>, StoreError> owned(
      const std::string& user_id, const std::vector<std::string>& asins) = 0;
};

}  // namespace ac
