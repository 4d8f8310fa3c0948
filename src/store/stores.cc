#include "store/stores.h"

#include "store/sqlite_account_store.h"
#include "store/sqlite_audit_log.h"
#include "store/sqlite_library_store.h"
#include "store/sqlite_sync_lease_store.h"

namespace ac {

std::expected<Stores, StoreError> open_stores(const DatabaseUrl& url, const StoreOptions& options) {
  switch (url.kind) {
    case DatabaseUrl::Kind::kSqlite:
      return open_sqlite_stores(url.sqlite_path, options);
    case DatabaseUrl::Kind::kPostgres:
      return open_postgres_stores(url.postgres_conninfo, options);
  }
  return std::unexpected(StoreError{"unknown database kind"});
}

std::expected<Stores, StoreError> open_sqlite_stores(const std::string& path,
                                                     const StoreOptions& options) {
  auto database = SqliteDatabase::open(path, options.pool_size, options.acquire_timeout);
  if (!database) return std::unexpected(database.error());
  const std::shared_ptr<SqliteDatabase> shared(std::move(*database));
  return Stores{.accounts = std::make_shared<SqliteAccountStore>(shared),
                .library = std::make_shared<SqliteLibraryStore>(shared),
                .audit = std::make_shared<SqliteAuditLog>(shared),
                .sync_leases = std::make_shared<SqliteSyncLeaseStore>(shared),
                .schema_version = shared->schema_version()};
}

}  // namespace ac
