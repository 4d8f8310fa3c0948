#include "store/sqlite_library_store.h"

namespace ac {
namespace {

std::expected<void, StoreError> upsert_items(sqlite3* db, const std::string& user_id,
                                             const std::vector<Audiobook>& items) {
  SqliteStatement insert(db,
                         "INSERT OR REPLACE INTO library_items (user_id, asin, title, author, "
                         "narrator, image, description, duration_minutes, rating, purchase_date) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& book : items) {
    insert.reset();
    insert.bind(1, user_id)
        .bind(2, book.asin)
        .bind(3, book.title)
        .bind(4, book.author)
        .bind(5, book.narrator)
        .bind(6, book.image)
        .bind(7, book.description)
        .bind(8, book.duration_minutes)
        .bind(9, book.rating)
        .bind(10, book.purchase_date);
    if (auto done = insert.run(); !done) return done;
  }
  return {};
}

// Marks the account synced; false when it no longer exists.
std::expected<bool, StoreError> mark_synced(sqlite3* db, const std::string& user_id,
                                            const SyncMark& mark) {
  SqliteStatement update(db,
                         "UPDATE accounts SET synced_at = ?, sync_status = 'synced', "
                         "last_sync_error = NULL, library_state_token = ?, version = version + 1 "
                         "WHERE user_id = ?");
  update.bind(1, mark.synced_at).bind(2, mark.state_token).bind(3, user_id);
  if (auto done = update.run(); !done) return std::unexpected(done.error());
  return sqlite3_changes(db) > 0;
}

}  // namespace

std::expected<bool, StoreError> SqliteLibraryStore::replace(const std::string& user_id,
                                                            const std::vector<Audiobook>& items,
                                                            const SyncMark& mark) {
  return synced_write(user_id, mark, [&](sqlite3* db) -> std::expected<void, StoreError> {
    SqliteStatement erase(db, "DELETE FROM library_items WHERE user_id = ?");
    erase.bind(1, user_id);
    if (auto done = erase.run(); !done) return done;
    return upsert_items(db, user_id, items);
  });
}

std::expected<bool, StoreError> SqliteLibraryStore::apply(const std::string& user_id,
                                                          const LibraryChanges& changes,
                                                          const SyncMark& mark) {
  return synced_write(user_id, mark, [&](sqlite3* db) -> std::expected<void, StoreError> {
    SqliteStatement erase(db, "DELETE FROM library_items WHERE user_id = ? AND asin = ?");
    for (const auto& asin : changes.removals) {
      erase.reset();
      erase.bind(1, user_id).bind(2, asin);
      if (auto done = erase.run(); !done) return done;
    }
    return upsert_items(db, user_id, changes.upserts);
  });
}

std::expected<bool, StoreError> SqliteLibraryStore::synced_write(
    const std::string& user_id, const SyncMark& mark,
    const std::function<std::expected<void, StoreError>(sqlite3*)>& write_items) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  sqlite3* db = lease->get();
  return sqlite_transaction<bool>(db, [&]() -> std::expected<bool, StoreError> {
    // First, so that an account gone meanwhile leaves nothing written.
    auto synced = mark_synced(db, user_id, mark);
    if (!synced || !*synced) return synced;
    if (auto done = write_items(db); !done) return std::unexpected(done.error());
    return true;
  });
}

std::expected<std::vector<Audiobook>, StoreError> SqliteLibraryStore::page(
    const std::string& user_id, std::int64_t skip, std::int64_t limit) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement select(lease->get(),
                         "SELECT asin, title, author, narrator, image, description, "
                         "duration_minutes, rating, purchase_date FROM library_items "
                         "WHERE user_id = ? ORDER BY purchase_date DESC, asin LIMIT ? OFFSET ?");
  select.bind(1, user_id).bind(2, limit).bind(3, skip);
  std::vector<Audiobook> books;
  while (true) {
    auto row = select.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    Audiobook book;
    book.asin = select.text(0);
    book.title = select.optional_text(1);
    book.author = select.optional_text(2);
    book.narrator = select.optional_text(3);
    book.image = select.optional_text(4);
    book.description = select.optional_text(5);
    book.duration_minutes = select.optional_integer(6);
    book.rating = select.optional_real(7);
    book.purchase_date = select.optional_text(8);
    book.is_owned = true;
    books.push_back(std::move(book));
  }
  return books;
}

std::expected<std::int64_t, StoreError> SqliteLibraryStore::count(const std::string& user_id) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement select(lease->get(), "SELECT COUNT(*) FROM library_items WHERE user_id = ?");
  select.bind(1, user_id);
  auto row = select.step();
  if (!row) return std::unexpected(row.error());
  return select.integer(0);
}

std::expected<std::set<std::string>, StoreError> SqliteLibraryStore::owned(
    const std::string& user_id, const std::vector<std::string>& asins) {
  auto lease = database_->acquire();
  if (!lease) return std::unexpected(lease.error());
  SqliteStatement select(lease->get(),
                         "SELECT 1 FROM library_items WHERE user_id = ? AND asin = ?");
  std::set<std::string> found;
  for (const auto& asin : asins) {
    select.reset();
    select.bind(1, user_id).bind(2, asin);
    auto row = select.step();
    if (!row) return std::unexpected(row.error());
    if (*row) found.insert(asin);
  }
  return found;
}

}  // namespace ac
