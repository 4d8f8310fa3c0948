#pragma once

// POST /library/sync: pages through the user's Audible library (pages from 1, stopping on a short
// or empty page, at the total-count, or at 10 000 items) and replaces the stored copy in one
// transaction; with a state token from last time, asks only for what changed and applies that
// (new, updated, Revoked removed). A sync that fails leaves the previous library and records why.
// Blocking: runs on the worker pool.

#include <cstdint>
#include <expected>

#include "audible/api_client.h"
#include "oauth/token_keeper.h"
#include "store/library_store.h"

namespace ac {

enum class SyncError {
  kNotConnected,
  kReauthRequired,
  kUnavailable,       // the provider could not be reached
  kStoreUnavailable,  // the database could not be reached
  kInternal,
};

struct SyncResult {
  std::int64_t audiobooks_count = 0;
  std::int64_t synced_at = 0;
};

inline constexpr std::int64_t kMaxSyncItems = 10'000;

class LibrarySync {
 public:
  LibrarySync(AccountStore& accounts, LibraryStore& library, TokenKeeper& tokens,
              AudibleApiClient& api, int page_size);

  std::expected<SyncResult, SyncError> sync(const std::string& user_id);

 private:
  SyncError fail(const std::string& user_id, const ApiError& error);

  AccountStore& accounts_;
  LibraryStore& library_;
  TokenKeeper& tokens_;
  AudibleApiClient& api_;
  int page_size_;
};

}  // namespace ac
