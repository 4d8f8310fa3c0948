#pragma once

// AccountStore on PostgreSQL: each call is one statement or one transaction on a pooled
// connection. Safe to use from many threads.

#include <memory>

#include "store/account_store.h"
#include "store/pg_connection.h"

namespace ac {

class PgAccountStore final : public AccountStore {
 public:
  explicit PgAccountStore(std::shared_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  std::expected<std::optional<AccountRecord>, StoreError> find(std::string_view user_id) override;
  std::expected<AccountRecord, StoreError> connect(AccountRecord record,
                                                   const AuditContext& who) override;
  std::expected<bool, StoreError> remove(std::string_view user_id,
                                         const AuditContext& who) override;
  std::expected<std::optional<AccountRecord>, StoreError> update_tokens(
      std::string_view user_id, std::int64_t expected_token_version,
      const std::string& access_token, const std::string& refresh_token, std::int64_t expires_at,
      const AuditContext& who) override;
  std::expected<void, StoreError> record_sync_failure(std::string_view user_id,
                                                      std::string_view sync_status,
                                                      std::string_view error) override;
  std::expected<bool, StoreError> mark_reauth_required(std::string_view user_id,
                                                       std::int64_t failed_token_version,
                                                       const AuditContext& who) override;
  std::expected<bool, StoreError> record_decryption_failure(std::string_view user_id,
                                                            std::int64_t token_version,
                                                            const AuditContext& who) override;
  std::expected<std::vector<AccountRecord>, StoreError> scan(std::string_view after_user_id,
                                                             int limit) override;
  std::expected<std::vector<bool>, StoreError> reseal(const std::vector<TokenReseal>& batch,
                                                      const AuditContext& who) override;
  std::expected<ImportOutcome, StoreError> import(const AccountRecord& record,
                                                  const AuditContext& who) override;
  std::expected<void, StoreError> ping() override;

 private:
  // Runs `update_sql` ($1 user_id, $2 token_version; RETURNING audible_user_id) and, when it
  // touched the account, writes `event`, in one transaction.
  std::expected<bool, StoreError> mark_and_audit(std::string_view user_id,
                                                 std::int64_t token_version,
                                                 const std::string& update_sql,
                                                 std::string_view event, const AuditContext& who);

  std::shared_ptr<PgPool> pool_;
};

}  // namespace ac
