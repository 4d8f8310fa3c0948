#include "store/pg_library_store.h"

namespace ac {
namespace {

// All items in one statement (one array per column), however many there are. A write that names
// an ASIN twice keeps the last, as row-by-row inserts would.
std::expected<void, StoreError> upsert_items(PgConnection& conn, const std::string& user_id,
                                             const std::vector<Audiobook>& items) {
  if (items.empty()) return {};
  PgArray asins, titles, authors, narrators, images, descriptions, durations, ratings, dates;
  for (const auto& book : items) {
    asins.push(book.asin);
    titles.push(book.title);
    authors.push(book.author);
    narrators.push(book.narrator);
    images.push(book.image);
    descriptions.push(book.description);
    durations.push(book.duration_minutes);
    ratings.push(book.rating);
    dates.push(book.purchase_date);
  }
  auto inserted = conn.exec(
      "INSERT INTO library_items (user_id, asin, title, author, narrator, image, description, "
      "duration_minutes, rating, purchase_date) "
      "SELECT DISTINCT ON (asin) $1, asin, title, author, narrator, image, description, "
      "duration_minutes, rating, purchase_date "
      "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
      "$8::bigint[], $9::float8[], $10::text[]) WITH ORDINALITY AS item (asin, title, author, "
      "narrator, image, description, duration_minutes, rating, purchase_date, position) "
      "ORDER BY asin, position DESC "
      "ON CONFLICT (user_id, asin) DO UPDATE SET title = EXCLUDED.title, "
      "author = EXCLUDED.author, narrator = EXCLUDED.narrator, image = EXCLUDED.image, "
      "description = EXCLUDED.description, duration_minutes = EXCLUDED.duration_minutes, "
      "rating = EXCLUDED.rating, purchase_date = EXCLUDED.purchase_date",
      PgParams()
          .add(user_id)
          .add(asins.literal())
          .add(titles.literal())
          .add(authors.literal())
          .add(narrators.literal())
          .add(images.literal())
          .add(descriptions.literal())
          .add(durations.literal())
          .add(ratings.literal())
          .add(dates.literal()));
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

// Marks the account synced; false when it no longer exists.
std::expected<bool, StoreError> mark_synced(PgConnection& conn, const std::string& user_id,
                                            const SyncMark& mark) {
  auto updated = conn.exec(
      "UPDATE accounts SET synced_at = $1, sync_status = 'synced', last_sync_error = NULL, "
      "library_state_token = $2, version = version + 1 WHERE user_id = $3",
      PgParams().add(mark.synced_at).add(mark.state_token).add(user_id));
  if (!updated) return std::unexpected(updated.error());
  return updated->affected() > 0;
}

std::string text_array(const std::vector<std::string>& values) {
  PgArray array;
  for (const auto& value : values) array.push(value);
  return array.literal();
}

}  // namespace

std::expected<bool, StoreError> PgLibraryStore::replace(const std::string& user_id,
                                                        const std::vector<Audiobook>& items,
                                                        const SyncMark& mark) {
  return synced_write(user_id, mark, [&](PgConnection& conn) -> std::expected<void, StoreError> {
    auto erased =
        conn.exec("DELETE FROM library_items WHERE user_id = $1", PgParams().add(user_id));
    if (!erased) return std::unexpected(erased.error());
    return upsert_items(conn, user_id, items);
  });
}

std::expected<bool, StoreError> PgLibraryStore::apply(const std::string& user_id,
                                                      const LibraryChanges& changes,
                                                      const SyncMark& mark) {
  return synced_write(user_id, mark, [&](PgConnection& conn) -> std::expected<void, StoreError> {
    auto erased = conn.exec("DELETE FROM library_items WHERE user_id = $1 AND asin = ANY($2)",
                            PgParams().add(user_id).add(text_array(changes.removals)));
    if (!erased) return std::unexpected(erased.error());
    return upsert_items(conn, user_id, changes.upserts);
  });
}

std::expected<bool, StoreError> PgLibraryStore::synced_write(
    const std::string& user_id, const SyncMark& mark,
    const std::function<std::expected<void, StoreError>(PgConnection&)>& write_items) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  PgConnection& conn = **lease;
  return pg_transaction<bool>(conn, [&]() -> std::expected<bool, StoreError> {
    // First: it locks the account row, so a disconnect waits for this write or comes before it
    // (and then nothing is written).
    auto synced = mark_synced(conn, user_id, mark);
    if (!synced || !*synced) return synced;
    if (auto done = write_items(conn); !done) return std::unexpected(done.error());
    return true;
  });
}

std::expected<std::vector<Audiobook>, StoreError> PgLibraryStore::page(const std::string& user_id,
                                                                       std::int64_t skip,
                                                                       std::int64_t limit) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto rows = (*lease)->exec(
      "SELECT asin, title, author, narrator, image, description, duration_minutes, rating, "
      "purchase_date FROM library_items WHERE user_id = $1 "
      "ORDER BY purchase_date DESC NULLS LAST, asin LIMIT $2 OFFSET $3",
      PgParams().add(user_id).add(limit).add(skip));
  if (!rows) return std::unexpected(rows.error());
  std::vector<Audiobook> books;
  books.reserve(static_cast<std::size_t>(rows->rows()));
  for (int row = 0; row < rows->rows(); ++row) {
    Audiobook book;
    book.asin = rows->text(row, 0);
    book.title = rows->optional_text(row, 1);
    book.author = rows->optional_text(row, 2);
    book.narrator = rows->optional_text(row, 3);
    book.image = rows->optional_text(row, 4);
    book.description = rows->optional_text(row, 5);
    book.duration_minutes = rows->optional_integer(row, 6);
    book.rating = rows->optional_real(row, 7);
    book.purchase_date = rows->optional_text(row, 8);
    book.is_owned = true;
    books.push_back(std::move(book));
  }
  return books;
}

std::expected<std::int64_t, StoreError> PgLibraryStore::count(const std::string& user_id) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto rows = (*lease)->exec("SELECT COUNT(*) FROM library_items WHERE user_id = $1",
                             PgParams().add(user_id));
  if (!rows) return std::unexpected(rows.error());
  return rows->integer(0, 0);
}

std::expected<std::set<std::string>, StoreError> PgLibraryStore::owned(
    const std::string& user_id, const std::vector<std::string>& asins) {
  auto lease = pool_->acquire();
  if (!lease) return std::unexpected(lease.error());
  auto rows = (*lease)->exec("SELECT asin FROM library_items WHERE user_id = $1 AND asin = ANY($2)",
                             PgParams().add(user_id).add(text_array(asins)));
  if (!rows) return std::unexpected(rows.error());
  std::set<std::string> found;
  for (int row = 0; row < rows->rows(); ++row) found.insert(rows->text(row, 0));
  return found;
}

}  // namespace ac
