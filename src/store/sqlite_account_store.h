#pragma once

#include <memory>

#include "store/account_store.h"
#include "store/sqlite_database.h"

namespace ac {

class SqliteAccountStore final : public AccountStore {
 public:
  explicit SqliteAccountStore(std::shared_ptr<SqliteDatabase> database)
      : database_(std::move(database)) {}

  std::expected<std::optional<AccountRecord>, StoreError> find(std::string_view user_id) override;
  std::expected<AccountRecord, StoreError> connect(AccountRecord record) override;
  std::expected<bool, StoreError> remove(std::string_view user_id) override;
  std::expected<void, StoreError> ping() override;

 private:
  std::shared_ptr<SqliteDatabase> database_;
};

}  // namespace ac
