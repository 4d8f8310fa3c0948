#pragma once

#include <memory>

#include "store/audit_log.h"
#include "store/sqlite_database.h"

namespace ac {

class SqliteAuditLog final : public AuditLog {
 public:
  explicit SqliteAuditLog(std::shared_ptr<SqliteDatabase> database)
      : database_(std::move(database)) {}

  std::expected<void, StoreError> append(const AuditEvent& event) override;
  std::expected<std::vector<AuditEvent>, StoreError> list(const AuditQuery& query) override;
  std::expected<std::int64_t, StoreError> prune(std::int64_t before_ms, int batch) override;

 private:
  std::shared_ptr<SqliteDatabase> database_;
};

// Writes `event` on `db`, inside whatever transaction the caller has open: how the account store
// records an operation together with its change.
std::expected<void, StoreError> insert_audit_event(sqlite3* db, const AuditEvent& event);

}  // namespace ac
