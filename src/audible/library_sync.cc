#include "audible/library_sync.h"

#include "crypto/fernet.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {
namespace {

SyncError store_failure(const StoreError& error) {
  return error.unavailable() ? SyncError::kStoreUnavailable : SyncError::kInternal;
}

}  // namespace

LibrarySync::LibrarySync(AccountStore& accounts, LibraryStore& library, TokenKeeper& tokens,
                         AudibleApiClient& api, int page_size)
    : accounts_(accounts), library_(library), tokens_(tokens), api_(api), page_size_(page_size) {}

SyncError LibrarySync::fail(const std::string& user_id, const ApiError& error) {
  const bool revoked = error.kind == ApiFailure::kUnauthorized;
  log::warning("library sync failed", {{"user_id", user_id}, {"error_type", error.reason}});
  // The library stays as it was; it never becomes empty because the provider said no.
  (void)accounts_.record_sync_failure(
      user_id, revoked ? "reauth_required" : "failed",
      revoked ? "Audible authorization revoked" : "Audible service unavailable");
  return revoked ? SyncError::kReauthRequired : SyncError::kUnavailable;
}

std::expected<SyncResult, SyncError> LibrarySync::sync(const std::string& user_id) {
  metrics::registry().api_library_sync_total.inc();
  auto account = accounts_.find(user_id);
  if (!account) return std::unexpected(store_failure(account.error()));
  if (!*account) return std::unexpected(SyncError::kNotConnected);
  const std::optional<std::string> since = (*account)->library_state_token;

  auto token = tokens_.access_token(user_id);
  if (!token) {
    switch (token.error()) {
      case TokenError::kNotConnected:
        return std::unexpected(SyncError::kNotConnected);
      case TokenError::kReauthRequired:
        return std::unexpected(SyncError::kReauthRequired);
      case TokenError::kUnavailable:
        return std::unexpected(
            fail(user_id, {ApiFailure::kUnavailable, "token refresh unavailable"}));
      case TokenError::kStoreUnavailable:
        return std::unexpected(SyncError::kStoreUnavailable);
      case TokenError::kInternal:
        return std::unexpected(SyncError::kInternal);
    }
  }

  LibraryChanges changes;
  std::optional<std::string> next_state_token;
  std::int64_t fetched = 0;
  for (int page = 1;; ++page) {
    auto result = api_.library_page(*token, page, page_size_, since);
    if (!result) return std::unexpected(fail(user_id, result.error()));
    if (result->state_token) next_state_token = result->state_token;
    for (const auto& item : result->items) {
      const bool revoked = item.is_object() && item.value("status", "") == "Revoked";
      if (revoked) {
        if (item.contains("asin") && item["asin"].is_string()) {
          changes.removals.push_back(item["asin"].get<std::string>());
        }
      } else if (auto book = audiobook_from_product(item)) {
        changes.upserts.push_back(std::move(*book));
      }
    }
    fetched += static_cast<std::int64_t>(result->items.size());
    const bool short_page = static_cast<int>(result->items.size()) < page_size_;
    const bool all_counted = result->total_count && fetched >= *result->total_count;
    if (short_page || all_counted) break;
    if (fetched >= kMaxSyncItems) {
      log::warning("library sync stopped at the item cap",
                   {{"user_id", user_id}, {"items", fetched}});
      break;
    }
  }

  const SyncMark mark{next_state_token, unix_now()};
  auto written = since ? library_.apply(user_id, changes, mark)
                       : library_.replace(user_id, changes.upserts, mark);
  if (!written) {
    log::error("library write failed",
               {{"user_id", user_id}, {"error_type", written.error().message}});
    return std::unexpected(store_failure(written.error()));
  }
  if (!*written) return std::unexpected(SyncError::kNotConnected);
  auto count = library_.count(user_id);
  if (!count) return std::unexpected(store_failure(count.error()));
  log::info(
      "library synced",
      {{"user_id", user_id}, {"incremental", since.has_value()}, {"audiobooks_count", *count}});
  return SyncResult{*count, mark.synced_at};
}

}  // namespace ac
