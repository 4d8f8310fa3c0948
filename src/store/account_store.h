#pragma once

// Linked Audible accounts (CONTRACT.md section 7): the seeds' UserAudibleAccount plus the library
// state token and a version that goes up with every write.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace ac {

struct AccountRecord {
  std::string user_id;
  std::string audible_user_id;
  std::string access_token;     // as stored: a Fernet token (plaintext only in legacy rows)
  std::string refresh_token;    // likewise
  std::int64_t expires_at = 0;  // unix seconds
  std::int64_t connected_at = 0;
  std::optional<std::int64_t> synced_at;
  std::optional<std::string> last_sync_error;
  std::string sync_status = "never_synced";
  std::optional<std::string> library_state_token;
  std::int64_t version = 0;
};

struct StoreError {
  std::string message;  // for the log
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  virtual std::expected<std::optional<AccountRecord>, StoreError> find(
      std::string_view user_id) = 0;
  // Inserts the account, or replaces the user's earlier one whole (a reconnect). Returns it as
  // stored, with its new version.
  virtual std::expected<AccountRecord, StoreError> connect(AccountRecord record) = 0;
  // Removes the account and everything stored for it; false when there was none.
  virtual std::expected<bool, StoreError> remove(std::string_view user_id) = 0;
  // Stores refreshed tokens, only if the account is still at `expected_version` (nobody else
  // refreshed or reconnected meanwhile). nullopt when it is not, or is gone.
  virtual std::expected<std::optional<AccountRecord>, StoreError> update_tokens(
      std::string_view user_id, std::int64_t expected_version, const std::string& access_token,
      const std::string& refresh_token, std::int64_t expires_at) = 0;
  // A failed sync: the library stays as it was; the account says why.
  virtual std::expected<void, StoreError> record_sync_failure(std::string_view user_id,
                                                              std::string_view sync_status,
                                                              std::string_view error) = 0;
  // Marks the account reauth_required ("Token refresh failed"), only if its stored refresh token
  // is still `failed_refresh_token`; false when another refresh replaced it meanwhile.
  virtual std::expected<bool, StoreError> mark_reauth_required(
      std::string_view user_id, const std::string& failed_refresh_token) = 0;
  // Answers when the store is reachable.
  virtual std::expected<void, StoreError> ping() = 0;
};

}  // namespace ac
