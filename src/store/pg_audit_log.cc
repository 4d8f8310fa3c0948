#include "store/pg_audit_log.h"

namespace ac {

std::expected<void, StoreError> insert_audit_event(PgConnection& conn, const AuditEvent& event) {
  auto inserted = conn.exec(
      "INSERT INTO audit_events (at_ms, user_id, audible_user_id, event, request_id, instance, "
      "reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      PgParams()
          .add(event.at_ms)
          .add(event.user_id)
          .add(event.audible_user_id)
          .add(event.event)
          .add(event.request_id)
          .add(event.instance)
          .add(event.reason));
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

std::expected<void, StoreError> PgAuditLog::append(const AuditEvent& event) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  if (auto done = insert_audit_event(**lease, event); !done) return done;
  count_audit_event(event.event);
  return {};
}

std::expected<std::vector<AuditEvent>, StoreError> PgAuditLog::list(const AuditQuery& query) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  // A NULL parameter turns its filter off.
  auto rows = (*lease)->exec(
      "SELECT id, at_ms, user_id, audible_user_id, event, request_id, instance, reason "
      "FROM audit_events WHERE ($1::text IS NULL OR user_id = $1::text) "
      "AND ($2::bigint IS NULL OR at_ms >= $2::bigint) "
      "AND ($3::bigint IS NULL OR id < $3::bigint) ORDER BY id DESC LIMIT $4",
      PgParams()
          .add(query.user_id)
          .add(query.since_ms)
          .add(query.before_id)
          .add(static_cast<std::int64_t>(query.limit)));
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditEvent> events;
  for (int row = 0; row < rows->rows(); ++row) {
    events.push_back(AuditEvent{.id = rows->integer(row, 0),
                                .at_ms = rows->integer(row, 1),
                                .user_id = rows->text(row, 2),
                                .audible_user_id = rows->text(row, 3),
                                .event = rows->text(row, 4),
                                .request_id = rows->text(row, 5),
                                .instance = rows->text(row, 6),
                                .reason = rows->text(row, 7)});
  }
  return events;
}

std::expected<std::int64_t, StoreError> PgAuditLog::prune(std::int64_t before_ms, int batch) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto erased = (*lease)->exec(
      "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at_ms < $1 "
      "ORDER BY at_ms LIMIT $2)",
      PgParams().add(before_ms).add(static_cast<std::int64_t>(batch)));
  if (!erased) return std::unexpected(erased.error());
  return erased->affected();
}

}  // namespace ac
