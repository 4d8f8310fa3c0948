// open_postgres_stores (store/stores.h): the pool, the migrations, the two stores.

#include "store/pg_account_store.h"
#include "store/pg_audit_log.h"
#include "store/pg_library_store.h"
#include "store/pg_migrations.h"
#include "store/pg_sync_lease_store.h"
#include "store/stores.h"

namespace ac {
namespace {

// Brings the schema up to date in one transaction under an advisory lock: an instance that
// starts meanwhile waits, then finds the work done. Returns the schema version.
std::expected<int, StoreError> migrate(PgConnection& conn) {
  const int target = static_cast<int>(std::size(kPgMigrations));
  return pg_transaction<int>(conn, [&]() -> std::expected<int, StoreError> {
    auto locked =
        conn.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kPgMigrationLock) + ")");
    if (!locked) return std::unexpected(locked.error());
    auto made = conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
    if (!made) return std::unexpected(made.error());
    auto newest = conn.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!newest) return std::unexpected(newest.error());
    const int current = static_cast<int>(newest->integer(0, 0));
    if (current > target) {
      return std::unexpected(StoreError{"database schema version " + std::to_string(current) +
                                        " is newer than this build knows (" +
                                        std::to_string(target) + ")"});
    }
    for (int version = current + 1; version <= target; ++version) {
      auto applied = conn.exec_script(std::string(kPgMigrations[version - 1]));
      if (applied) {
        applied = conn.exec(
            "INSERT INTO schema_migrations (version, applied_at) "
            "VALUES ($1, EXTRACT(EPOCH FROM now())::BIGINT)",
            PgParams().add(std::int64_t{version}));
      }
      if (!applied) {
        return std::unexpected(
            StoreError{"migration " + std::to_string(version) + ": " + applied.error().message,
                       applied.error().kind});
      }
    }
    return target;
  });
}

}  // namespace

std::expected<Stores, StoreError> open_postgres_stores(const std::string& conninfo,
                                                       const StoreOptions& options) {
  auto made = PgPool::create(conninfo, options.pool_size, options.acquire_timeout);
  if (!made) return std::unexpected(made.error());
  const std::shared_ptr<PgPool> pool(std::move(*made));
  int schema_version = 0;
  {
    auto lease = pool->acquire();
    if (!lease) return std::unexpected(lease.error());
    auto migrated = migrate(**lease);
    if (!migrated) return std::unexpected(migrated.error());
    schema_version = *migrated;
  }
  return Stores{.accounts = std::make_shared<PgAccountStore>(pool),
                .library = std::make_shared<PgLibraryStore>(pool),
                .audit = std::make_shared<PgAuditLog>(pool),
                .sync_leases = std::make_shared<PgSyncLeaseStore>(pool),
                .schema_version = schema_version};
}

}  // namespace ac
