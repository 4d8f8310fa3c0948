#pragma once

#include <memory>

#include "store/audit_log.h"
#include "store/pg_connection.h"

namespace ac {

class PgAuditLog final : public AuditLog {
 public:
  explicit PgAuditLog(std::shared_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  std::expected<void, StoreError> append(const AuditEvent& event) override;
  std::expected<std::vector<AuditEvent>, StoreError> list(const AuditQuery& query) override;
  std::expected<std::int64_t, StoreError> prune(std::int64_t before_ms, int batch) override;

 private:
  std::shared_ptr<PgPool> pool_;
};

// Writes `event` on `conn`, inside whatever transaction the caller has open: how the account
// store records an operation together with its change.
std::expected<void, StoreError> insert_audit_event(PgConnection& conn, const AuditEvent& event);

}  // namespace ac
