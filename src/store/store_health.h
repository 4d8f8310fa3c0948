#pragma once

// Whether the database DATABASE_URL names can take a write now, asked outside the stores' pool,
// for /ready and for serve's and check-config's start-up checks. The stores' own connections do
// not notice some failures that lose data later: a SQLite file deleted or replaced while the
// service runs keeps taking writes into an unlinked inode, gone at the next restart.
//
// - SQLite: the file still exists and is the one first seen (same inode), this process may write
//   it (its mode, for the effective user), it opens read-write without being created, is not
//   read-only, and can take a write lock (BEGIN IMMEDIATE, rolled back; a
//   lock held by another writer counts as writable).
// - PostgreSQL: one connection of its own (reopened after a failure) answers, the server is not a
//   standby nor read-only, and this login may insert, update and delete accounts.
//
// Thread safety: one StoreHealth is used by one thread at a time. check_writable() blocks for a
// round trip (at most about connect_timeout, 3 s, for PostgreSQL; 500 ms of lock waiting for
// SQLite): never call it on an I/O thread.

#include <expected>
#include <memory>

#include "config/database_url.h"
#include "store/store_error.h"

namespace ac {

class StoreHealth {
 public:
  static std::unique_ptr<StoreHealth> open(const DatabaseUrl& url);
  virtual ~StoreHealth() = default;

  // An error's message is one line naming the cause, without a password.
  virtual std::expected<void, StoreError> check_writable() = 0;
};

}  // namespace ac
