#pragma once

// The schema version a database holds, read without changing anything (no migration, no file
// created), so that check-config can tell an operator whether serve would migrate, start, or
// refuse a schema newer than this build.
//
// Thread safety: free functions without shared state; each call blocks for a connection.

#include <expected>

#include "config/database_url.h"
#include "store/store_error.h"

namespace ac {

struct SchemaVersions {
  int database = 0;  // 0: no schema yet (a new file or an empty database)
  int build = 0;     // the newest migration this build knows
};

std::expected<SchemaVersions, StoreError> read_schema_versions(const DatabaseUrl& url);

}  // namespace ac
