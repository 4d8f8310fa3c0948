#pragma once

// Opening the store family that DATABASE_URL names, shaped like LevelDB's DB::Open: one call
// returns the interfaces, with the schema brought up to date (or a refusal when the database's
// schema is newer than this build). The account and library stores and the audit log share one
// connection pool, since a library write touches the account row in its own transaction.

#include <chrono>
#include <expected>
#include <memory>

#include "config/database_url.h"
#include "store/account_store.h"
#include "store/audit_log.h"
#include "store/library_store.h"
#include "store/sync_lease_store.h"

namespace ac {

struct StoreOptions {
  int pool_size = 10;  // connections; a request waits for one at most `acquire_timeout`
  std::chrono::milliseconds acquire_timeout{2000};
};

struct Stores {
  std::shared_ptr<AccountStore> accounts;
  std::shared_ptr<LibraryStore> library;
  std::shared_ptr<AuditLog> audit;  // read and pruned here; written by the account store
  std::shared_ptr<SyncLeaseStore> sync_leases;
  int schema_version = 0;  // after migration
};

std::expected<Stores, StoreError> open_stores(const DatabaseUrl& url, const StoreOptions& options);

// One family's opener; open_stores picks. Each applies the migrations under its own lock, so
// instances that start together take turns.
std::expected<Stores, StoreError> open_sqlite_stores(const std::string& path,
                                                     const StoreOptions& options);
std::expected<Stores, StoreError> open_postgres_stores(const std::string& conninfo,
                                                       const StoreOptions& options);

}  // namespace ac
