#pragma once

// Who syncs which account in the background, and when (issue 13): every connected account that
// does not need re-linking is due `interval` after its last sync (a background sync sets the next
// time itself, with jitter; a sync the user asked for postpones it by at least `floor`), and an
// instance claims due accounts with a lease that expires if it dies. A claim is one atomic
// statement, so two instances never hold one account at once. Times are unix milliseconds, from
// the caller's clock. Thread-safe; every call is one transaction and may block.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store_error.h"

namespace ac {

struct SyncClaim {
  std::string user_id;
  std::int64_t due_at_ms = 0;  // when it fell due: how late the loop is
};

struct DueSummary {
  std::int64_t count = 0;
  std::optional<std::int64_t> oldest_due_at_ms;
};

// The schedule's two times, in milliseconds.
struct SyncTimes {
  std::int64_t now_ms = 0;
  // An account synced at T (by anyone) is not due before T + floor_ms.
  std::int64_t floor_ms = 0;
};

class SyncLeaseStore {
 public:
  virtual ~SyncLeaseStore() = default;

  // Leases up to `limit` due accounts to `owner` until `lease_until_ms`, the longest overdue
  // first; skips accounts in reauth_required and those another owner holds unexpired.
  virtual std::expected<std::vector<SyncClaim>, StoreError> claim_due(std::string_view owner,
                                                                      const SyncTimes& times,
                                                                      std::int64_t lease_until_ms,
                                                                      int limit) = 0;
  // Gives the lease back, only while `owner` still holds it; with `next_due_at_ms`, that is when
  // the account falls due next (nullopt: due as before, to be tried again soon).
  virtual std::expected<void, StoreError> release(std::string_view user_id, std::string_view owner,
                                                  std::optional<std::int64_t> next_due_at_ms) = 0;
  // The accounts due now (leased or not), and the oldest due time among them.
  virtual std::expected<DueSummary, StoreError> due_summary(const SyncTimes& times) = 0;
};

}  // namespace ac
