#pragma once

#include <string_view>

namespace ac {

// The schema, one step per version. Never edit a step that has shipped: add the next one.
inline constexpr std::string_view kSqliteMigrations[] = {
    // 1: accounts, with the indexes of the seeds' deployment checklist.
    R"sql(
CREATE TABLE accounts (
  user_id             TEXT PRIMARY KEY NOT NULL,
  audible_user_id     TEXT NOT NULL,
  access_token        TEXT NOT NULL,
  refresh_token       TEXT NOT NULL,
  expires_at          INTEGER NOT NULL,
  connected_at        INTEGER NOT NULL,
  synced_at           INTEGER,
  last_sync_error     TEXT,
  sync_status         TEXT NOT NULL,
  library_state_token TEXT,
  version             INTEGER NOT NULL
);
CREATE INDEX accounts_audible_user_id ON accounts (audible_user_id);
CREATE INDEX accounts_synced_at ON accounts (synced_at);
CREATE INDEX accounts_synced_at_last_sync_error ON accounts (synced_at, last_sync_error);
)sql",
    // 2: each user's synced library, gone with the account.
    R"sql(
CREATE TABLE library_items (
  user_id          TEXT NOT NULL REFERENCES accounts (user_id) ON DELETE CASCADE,
  asin             TEXT NOT NULL,
  title            TEXT,
  author           TEXT,
  narrator         TEXT,
  image            TEXT,
  description      TEXT,
  duration_minutes INTEGER,
  rating           REAL,
  purchase_date    TEXT,
  PRIMARY KEY (user_id, asin)
);
CREATE INDEX library_items_by_purchase ON library_items (user_id, purchase_date DESC, asin);
)sql",
    // 3: a version of the tokens alone, so that a refresh is checked against the tokens it
    // replaces and not against unrelated writes (sync bookkeeping) to the same row.
    R"sql(
ALTER TABLE accounts ADD COLUMN token_version INTEGER NOT NULL DEFAULT 1;
)sql",
    // 4: the audit trail of token operations, kept apart from the accounts (it outlives a
    // disconnect). AUTOINCREMENT: an id is never reused, so a page cursor never skips a newer row.
    R"sql(
CREATE TABLE audit_events (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms           INTEGER NOT NULL,
  user_id         TEXT NOT NULL,
  audible_user_id TEXT NOT NULL,
  event           TEXT NOT NULL,
  request_id      TEXT NOT NULL,
  instance        TEXT NOT NULL,
  reason          TEXT NOT NULL
);
CREATE INDEX audit_events_by_user ON audit_events (user_id, at_ms);
CREATE INDEX audit_events_by_time ON audit_events (at_ms);
)sql",
    // 5: the background sync's schedule and lease (store/sync_lease_store.h), unix milliseconds.
    R"sql(
ALTER TABLE accounts ADD COLUMN sync_due_at INTEGER;
ALTER TABLE accounts ADD COLUMN sync_lease_owner TEXT;
ALTER TABLE accounts ADD COLUMN sync_lease_until INTEGER;
)sql",
};

}  // namespace ac
