#include "store/sqlite_audit_log.h"

namespace ac {

std::expected<void, StoreError> insert_audit_event(sqlite3* db, const AuditEvent& event) {
  SqliteStatement insert(db,
                         "INSERT INTO audit_events (at_ms, user_id, audible_user_id, event, "
                         "request_id, instance, reason) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, event.at_ms)
      .bind(2, event.user_id)
      .bind(3, event.audible_user_id)
      .bind(4, event.event)
      .bind(5, event.request_id)
      .bind(6, event.instance)
      .bind(7, event.reason);
  return insert.run();
}

std::expected<void, StoreError> SqliteAuditLog::append(const AuditEvent& event) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  if (auto done = insert_audit_event(lease->get(), event); !done) return done;
  count_audit_event(event.event);
  return {};
}

std::expected<std::vector<AuditEvent>, StoreError> SqliteAuditLog::list(const AuditQuery& query) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  // A NULL parameter turns its filter off.
  SqliteStatement select(lease->get(),
                         "SELECT id, at_ms, user_id, audible_user_id, event, request_id, "
                         "instance, reason FROM audit_events "
                         "WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR at_ms >= ?2) "
                         "AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4");
  select.bind(1, query.user_id)
      .bind(2, query.since_ms)
      .bind(3, query.before_id)
      .bind(4, static_cast<std::int64_t>(query.limit));
  std::vector<AuditEvent> events;
  while (true) {
    auto row = select.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return events;
    events.push_back(AuditEvent{.id = select.integer(0),
                                .at_ms = select.integer(1),
                                .user_id = select.text(2),
                                .audible_user_id = select.text(3),
                                .event = select.text(4),
                                .request_id = select.text(5),
                                .instance = select.text(6),
                                .reason = select.text(7)});
  }
}

std::expected<std::int64_t, StoreError> SqliteAuditLog::prune(std::int64_t before_ms, int batch) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement erase(lease->get(),
                        "DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events "
                        "WHERE at_ms < ? ORDER BY at_ms LIMIT ?)");
  erase.bind(1, before_ms).bind(2, static_cast<std::int64_t>(batch));
  if (auto done = erase.run(); !done) return std::unexpected(done.error());
  return sqlite3_changes(lease->get());
}

}  // namespace ac
