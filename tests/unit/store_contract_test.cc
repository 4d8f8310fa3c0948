// The stores' contract (account_store.h, library_store.h), run unchanged against every back end
// so that they cannot drift: SQLite in a temporary file, PostgreSQL in a fresh database on the
// test server. Stores are opened only through open_stores().

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "pg_test_support.h"
#include "store/audit_pruner.h"
#include "store/sqlite_migrations.h"
#include "store/stores.h"

namespace ac {
namespace {

enum class Backend { kSqlite, kPostgres };

// Who the tests' token operations are done by, as their audit events must say.
const AuditContext kWho{"req-test", "instance-test", "a test"};

const char* name_of(Backend backend) { return backend == Backend::kSqlite ? "Sqlite" : "Postgres"; }
void PrintTo(Backend backend, std::ostream* out) { *out << name_of(backend); }

// Reaches past the stores into a SQLite file, as a second client would.
class SqliteClient {
 public:
  explicit SqliteClient(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~SqliteClient() { sqlite3_close(db_); }
  void exec(const char* sql) {
    EXPECT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
  }
  std::int64_t scalar(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
    const std::int64_t value =
        sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(test.begin(), test.end(), '/', '-');  // Name/Sqlite
      path_ = std::filesystem::temp_directory_path() /
              ("ac-store-" + std::to_string(::getpid()) + "-" + test) / "db.sqlite";
      std::filesystem::remove_all(path_.parent_path());
      url_ = "sqlite:///" + path_.string();
    } else {
      const auto server = testing::shared_postgres_url();
      if (!server) GTEST_SKIP() << "AC_TEST_POSTGRES_URL_FILE is not set (run through ctest)";
      postgres_ = std::make_unique<testing::ScratchPgDatabase>(*server);
      url_ = postgres_->url();
    }
    open();
  }
  void TearDown() override {
    close();
    postgres_.reset();
    if (!path_.empty()) std::filesystem::remove_all(path_.parent_path());
  }

  void open() {
    const auto url = parse_database_url(url_);
    ASSERT_TRUE(url) << url.error();
    auto stores = open_stores(*url, StoreOptions{});
    ASSERT_TRUE(stores) << stores.error().message;
    stores_ = std::move(*stores);
  }
  void close() { stores_ = Stores{}; }
  AccountStore& accounts() { return *stores_.accounts; }
  LibraryStore& library() { return *stores_.library; }

  // The per-back-end hooks: rows in schema_migrations, and a trigger that fails any insert of
  // the library item `asin`.
  std::int64_t migration_records() {
    constexpr const char* kSql =
        "SELECT COUNT(DISTINCT version) * 1000 + COUNT(*) "
        "FROM schema_migrations";
    if (postgres_) return postgres_->scalar(kSql);
    return SqliteClient(path_).scalar(kSql);
  }
  void fail_inserts_of(const std::string& asin) {
    if (postgres_) {
      return postgres_->exec(
          "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
          "$$ BEGIN RAISE EXCEPTION 'boom'; END $$; "
          "CREATE TRIGGER boom BEFORE INSERT ON library_items FOR EACH ROW "
          "WHEN (NEW.asin = '" +
          asin + "') EXECUTE FUNCTION boom();");
    }
    SqliteClient(path_).exec(
        ("CREATE TRIGGER boom BEFORE INSERT ON library_items WHEN NEW.asin = '" + asin +
         "' BEGIN SELECT RAISE(ABORT, 'boom'); END")
            .c_str());
  }

  // A trigger that fails every `action` ("INSERT ON audit_events", "UPDATE ON accounts").
  void fail_every(const std::string& action) {
    if (postgres_) {
      return postgres_->exec(
          "CREATE OR REPLACE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
          "$$ BEGIN RAISE EXCEPTION 'boom'; END $$; "
          "CREATE TRIGGER every_boom BEFORE " +
          action + " FOR EACH ROW EXECUTE FUNCTION boom();");
    }
    SqliteClient(path_).exec(
        ("CREATE TRIGGER every_boom BEFORE " + action + " BEGIN SELECT RAISE(ABORT, 'boom'); END")
            .c_str());
  }
  AuditLog& audit() { return *stores_.audit; }
  std::vector<AuditEvent> events(AuditQuery query = {.limit = 500}) {
    auto listed = audit().list(query);
    EXPECT_TRUE(listed) << listed.error().message;
    return listed.value_or(std::vector<AuditEvent>{});
  }
  std::vector<std::string> event_names(AuditQuery query = {.limit = 500}) {
    std::vector<std::string> names;
    for (const auto& event : events(query)) names.push_back(event.event);
    return names;
  }

  AccountRecord connect(const std::string& user) {
    AccountRecord record;
    record.user_id = user;
    record.audible_user_id = "listener";
    record.access_token = "gAAAAA-access";
    record.refresh_token = "gAAAAA-refresh";
    record.expires_at = 100;
    record.connected_at = 50;
    auto stored = accounts().connect(record, kWho);
    EXPECT_TRUE(stored) << stored.error().message;
    return stored.value_or(AccountRecord{});
  }
  static Audiobook book(std::string asin, std::optional<std::string> date) {
    Audiobook b;
    b.asin = std::move(asin);
    b.title = "Title " + b.asin;
    b.rating = 4.5;
    b.duration_minutes = 90;
    b.purchase_date = std::move(date);
    return b;
  }

  std::filesystem::path path_;
  std::unique_ptr<testing::ScratchPgDatabase> postgres_;
  std::string url_;
  Stores stores_;
};

TEST_P(StoreContract, MigrationsRunOnceAndReopenKeepsTheData) {
  const int latest = static_cast<int>(std::size(kSqliteMigrations));
  EXPECT_EQ(stores_.schema_version, latest);
  connect("u");
  close();
  open();
  EXPECT_EQ(stores_.schema_version, latest);
  EXPECT_EQ(migration_records(), latest * 1000 + latest);  // each version recorded once
  EXPECT_TRUE(accounts().find("u").value().has_value());
}

TEST_P(StoreContract, ConnectFindReconnectRemove) {
  EXPECT_FALSE(accounts().find("u").value());
  EXPECT_TRUE(accounts().ping());
  const auto first = connect("u");
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.token_version, 1);
  const auto second = connect("u");
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(second.token_version, 2);
  const auto found = accounts().find("u").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->audible_user_id, "listener");
  EXPECT_EQ(found->refresh_token, "gAAAAA-refresh");
  EXPECT_EQ(found->expires_at, 100);
  EXPECT_EQ(found->connected_at, 50);
  EXPECT_EQ(found->sync_status, "never_synced");
  EXPECT_FALSE(found->synced_at);
  EXPECT_FALSE(found->last_sync_error);
  EXPECT_FALSE(found->library_state_token);
  EXPECT_EQ(found->token_version, 2);
  EXPECT_TRUE(accounts().remove("u", kWho).value());
  EXPECT_FALSE(accounts().remove("u", kWho).value());
}

TEST_P(StoreContract, AReconnectStartsWithAnEmptyLibrary) {
  connect("u");
  ASSERT_TRUE(library().replace("u", {book("A000000001", "2020")}, {"t", 1}).value());
  const auto reconnected = connect("u");
  EXPECT_EQ(library().count("u").value(), 0);
  EXPECT_EQ(reconnected.sync_status, "never_synced");
  EXPECT_FALSE(reconnected.library_state_token);
}

TEST_P(StoreContract, TokenUpdatesCheckTheTokenVersion) {
  const auto account = connect("u");
  EXPECT_FALSE(
      accounts().update_tokens("u", account.token_version + 1, "a2", "r2", 200, kWho).value());
  const auto updated =
      accounts().update_tokens("u", account.token_version, "a2", "r2", 200, kWho).value();
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->access_token, "a2");
  EXPECT_EQ(updated->refresh_token, "r2");
  EXPECT_EQ(updated->expires_at, 200);
  EXPECT_EQ(updated->version, account.version + 1);
  EXPECT_EQ(updated->token_version, account.token_version + 1);
  EXPECT_FALSE(accounts().update_tokens("u", account.token_version, "a3", "r3", 300, kWho).value());
  EXPECT_FALSE(accounts().update_tokens("ghost", 1, "a3", "r3", 300, kWho).value());
}

TEST_P(StoreContract, ReauthOnlyWhenTheFailedTokensAreStillStored) {
  const auto account = connect("u");
  EXPECT_FALSE(accounts().mark_reauth_required("u", account.token_version + 1, kWho).value());
  EXPECT_TRUE(accounts().mark_reauth_required("u", account.token_version, kWho).value());
  const auto marked = accounts().find("u").value();
  EXPECT_EQ(marked->sync_status, "reauth_required");
  EXPECT_EQ(marked->last_sync_error, "Token refresh failed");
  EXPECT_EQ(marked->version, account.version + 1);
  EXPECT_EQ(marked->token_version, account.token_version);
  ASSERT_TRUE(accounts().update_tokens("u", account.token_version, "a2", "r2", 200, kWho).value());
  EXPECT_FALSE(accounts().mark_reauth_required("u", account.token_version, kWho).value());
  EXPECT_FALSE(accounts().mark_reauth_required("ghost", 1, kWho).value());
}

// The scale-out regression: a sync's bookkeeping between a refresh's read and its write used to
// make the write fail, losing the rotated refresh token the provider had just issued.
TEST_P(StoreContract, SyncBookkeepingDoesNotDefeatARefresh) {
  const auto read = connect("u");
  ASSERT_TRUE(accounts().record_sync_failure("u", "failed", "Audible service unavailable"));
  ASSERT_TRUE(library().replace("u", {book("A000000001", "2020")}, {"t", 1}).value());
  ASSERT_TRUE(library().apply("u", {}, {"t2", 2}).value());
  const auto updated =
      accounts().update_tokens("u", read.token_version, "a-new", "r-rotated", 500, kWho).value();
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->refresh_token, "r-rotated");
  EXPECT_EQ(updated->version, read.version + 4);
  EXPECT_EQ(accounts().find("u").value()->refresh_token, "r-rotated");
  EXPECT_EQ(updated->library_state_token, "t2");  // the sync's marks stay
}

TEST_P(StoreContract, AReconnectBetweenReadAndRefreshWins) {
  const auto read = connect("u");
  connect("u");
  EXPECT_FALSE(accounts().update_tokens("u", read.token_version, "a2", "r2", 200, kWho).value());
  EXPECT_FALSE(accounts().mark_reauth_required("u", read.token_version, kWho).value());
  EXPECT_EQ(accounts().find("u").value()->refresh_token, "gAAAAA-refresh");
}

TEST_P(StoreContract, RacingRefreshesOfOneTokenVersionHaveOneWinner) {
  const auto read = connect("u");
  constexpr int kThreads = 32;
  std::atomic<int> winners{0}, errors{0};
  std::atomic<int> winner{-1};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const auto index = std::to_string(i);
      auto updated = accounts().update_tokens("u", read.token_version, "a" + index, "r" + index,
                                              100 + i, kWho);
      if (!updated) {
        ++errors;
      } else if (*updated) {
        ++winners;
        winner = i;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors, 0);
  ASSERT_EQ(winners, 1);
  const auto stored = accounts().find("u").value();
  EXPECT_EQ(stored->refresh_token, "r" + std::to_string(winner));
  EXPECT_EQ(stored->token_version, read.token_version + 1);
}

TEST_P(StoreContract, ScanWalksEveryAccountInBatches) {
  for (const char* user : {"u3", "u1", "u10", "u2", "U0"}) connect(user);
  std::vector<std::string> seen;
  std::string after;
  while (true) {
    const auto batch = accounts().scan(after, 2).value();
    for (const auto& account : batch) seen.push_back(account.user_id);
    if (batch.size() < 2) break;
    after = batch.back().user_id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"U0", "u1", "u10", "u2", "u3"}));  // byte order
}

TEST_P(StoreContract, ResealKeepsTheTokenVersionAndYieldsToARefresh) {
  const auto a = connect("a");
  const auto b = connect("b");
  ASSERT_TRUE(
      accounts().update_tokens("b", b.token_version, "b-refreshed", "rb", 300, kWho).value());
  const auto written = accounts()
                           .reseal({{"a", a.token_version, "a-new-key", "ra-new-key"},
                                    {"b", b.token_version, "b-new-key", "rb-new-key"},
                                    {"ghost", 1, "x", "y"}},
                                   kWho)
                           .value();
  EXPECT_EQ(written, (std::vector<bool>{true, false, false}));
  const auto resealed = accounts().find("a").value();
  EXPECT_EQ(resealed->access_token, "a-new-key");
  EXPECT_EQ(resealed->refresh_token, "ra-new-key");
  EXPECT_EQ(resealed->token_version, a.token_version);
  EXPECT_EQ(accounts().find("b").value()->access_token, "b-refreshed");  // the refresh stays
  // A refresh that read the tokens before the reseal still lands.
  EXPECT_TRUE(
      accounts().update_tokens("a", a.token_version, "a-refreshed", "r", 400, kWho).value());
}

TEST_P(StoreContract, ImportInsertsUpdatesWhenNewerAndIsIdempotent) {
  AccountRecord record;
  record.user_id = "imported";
  record.audible_user_id = "listener";
  record.access_token = "gAAAAA-a1";
  record.refresh_token = "gAAAAA-r1";
  record.expires_at = 1000;
  record.connected_at = 500;
  record.synced_at = 600;
  record.sync_status = "synced";
  EXPECT_EQ(accounts().import(record, kWho).value(), ImportOutcome::kInserted);
  EXPECT_EQ(accounts().import(record, kWho).value(), ImportOutcome::kUnchanged);
  ASSERT_TRUE(library().replace("imported", {book("A000000001", "2020")}, {"t", 700}).value());

  AccountRecord older = record;
  older.expires_at = 900;
  older.access_token = "gAAAAA-older";
  EXPECT_EQ(accounts().import(older, kWho).value(), ImportOutcome::kUnchanged);

  AccountRecord refreshed = record;  // the Python service refreshed since the last dump
  refreshed.expires_at = 2000;
  refreshed.access_token = "gAAAAA-a2";
  EXPECT_EQ(accounts().import(refreshed, kWho).value(), ImportOutcome::kUpdated);
  const auto stored = accounts().find("imported").value();
  EXPECT_EQ(stored->access_token, "gAAAAA-a2");
  EXPECT_EQ(stored->expires_at, 2000);
  EXPECT_EQ(library().count("imported").value(), 1);  // the same Audible account keeps its books

  AccountRecord relinked = refreshed;  // linked to another Audible account later
  relinked.connected_at = 800;
  relinked.audible_user_id = "another-listener";
  EXPECT_EQ(accounts().import(relinked, kWho).value(), ImportOutcome::kUpdated);
  EXPECT_EQ(library().count("imported").value(), 0);
  EXPECT_GT(accounts().find("imported").value()->token_version, stored->token_version);
}

TEST_P(StoreContract, ReplaceApplyPageAndOwned) {
  connect("u");
  connect("v");
  ASSERT_TRUE(library()
                  .replace("u",
                           {book("A000000001", "2020-01-01"), book("A000000002", "2022-01-01"),
                            book("A000000003", "2022-01-01"), book("A000000000", std::nullopt)},
                           {"tok-1", 1000})
                  .value());
  ASSERT_TRUE(
      library().replace("v", {book("A000000009", "2020-01-01")}, {std::nullopt, 1000}).value());
  auto page = library().page("u", 0, 10).value();
  ASSERT_EQ(page.size(), 4u);
  EXPECT_EQ(page[0].asin, "A000000002");  // newest first, then by ASIN, undated last
  EXPECT_EQ(page[1].asin, "A000000003");
  EXPECT_EQ(page[2].asin, "A000000001");
  EXPECT_EQ(page[3].asin, "A000000000");
  EXPECT_DOUBLE_EQ(*page[0].rating, 4.5);
  EXPECT_EQ(page[0].duration_minutes, 90);
  EXPECT_TRUE(page[0].is_owned);
  EXPECT_EQ(library().page("u", 1, 1).value().front().asin, "A000000003");
  const auto account = accounts().find("u").value();
  EXPECT_EQ(account->sync_status, "synced");
  EXPECT_EQ(account->synced_at, 1000);
  EXPECT_EQ(account->library_state_token, "tok-1");

  LibraryChanges changes{{book("A000000004", "2023-01-01"), book("A000000001", "2020-01-01")},
                         {"A000000002", "NOT-THERE", "A000000000"}};
  ASSERT_TRUE(library().apply("u", changes, {"tok-2", 2000}).value());
  EXPECT_EQ(library().count("u").value(), 3);
  EXPECT_EQ(library().owned("u", {"A000000004", "A000000002", "A000000009"}).value(),
            std::set<std::string>{"A000000004"});
  EXPECT_EQ(library().owned("u", {}).value(), std::set<std::string>{});
  EXPECT_EQ(library().count("v").value(), 1);  // another user's library is untouched
  EXPECT_EQ(accounts().find("u").value()->library_state_token, "tok-2");
}

TEST_P(StoreContract, EveryFieldRoundTrips) {
  connect("u");
  Audiobook full = book("B0\"quote\\", "2021-05-06T07:08:09Z");
  full.title = "Ti{t}le, \"with\" \\ NULL and ünïcødé\nand a newline";
  full.author = "NULL";
  full.narrator = "";
  full.image = "https://example.com/i.jpg?a=1&b={2}";
  full.description = std::string(20000, 'x');
  full.duration_minutes = 9'000'000'000LL;
  full.rating = 0.1 + 0.2;
  Audiobook bare;
  bare.asin = "B000000002";
  ASSERT_TRUE(library().replace("u", {full, bare}, {"t", 1}).value());
  const auto page = library().page("u", 0, 10).value();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].asin, full.asin);
  EXPECT_EQ(page[0].title, full.title);
  EXPECT_EQ(page[0].author, full.author);
  EXPECT_EQ(page[0].narrator, full.narrator);
  EXPECT_EQ(page[0].image, full.image);
  EXPECT_EQ(page[0].description, full.description);
  EXPECT_EQ(page[0].duration_minutes, full.duration_minutes);
  EXPECT_EQ(page[0].rating, full.rating);  // exactly
  EXPECT_EQ(page[0].purchase_date, full.purchase_date);
  EXPECT_EQ(page[1].asin, "B000000002");
  for (const auto& field : {page[1].title, page[1].author, page[1].narrator, page[1].image,
                            page[1].description, page[1].purchase_date}) {
    EXPECT_FALSE(field);
  }
  EXPECT_FALSE(page[1].duration_minutes);
  EXPECT_FALSE(page[1].rating);
  EXPECT_EQ(library().owned("u", {full.asin, "NULL"}).value(), std::set<std::string>{full.asin});
}

TEST_P(StoreContract, AnAsinNamedTwiceInOneWriteKeepsTheLast) {
  connect("u");
  auto second = book("A000000001", "2021");
  second.title = "second";
  ASSERT_TRUE(library().replace("u", {book("A000000001", "2020"), second}, {"t", 1}).value());
  auto third = second;
  third.title = "third";
  ASSERT_TRUE(library().apply("u", {{second, third}, {}}, {"t", 2}).value());
  const auto page = library().page("u", 0, 10).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].title, "third");
}

TEST_P(StoreContract, AFailedSyncRecordLeavesTheLibrary) {
  connect("u");
  ASSERT_TRUE(library().replace("u", {book("A000000001", "2020-01-01")}, {"t", 1}).value());
  ASSERT_TRUE(accounts().record_sync_failure("u", "failed", "Audible service unavailable"));
  EXPECT_EQ(library().count("u").value(), 1);
  const auto account = accounts().find("u").value();
  EXPECT_EQ(account->last_sync_error, "Audible service unavailable");
  EXPECT_EQ(account->sync_status, "failed");
  EXPECT_TRUE(accounts().record_sync_failure("ghost", "failed", "x"));
}

TEST_P(StoreContract, NoAccountNoWriteAndRemovalCascades) {
  EXPECT_FALSE(library().replace("ghost", {book("A000000001", "2020")}, {"t", 1}).value());
  EXPECT_FALSE(library().apply("ghost", {{book("A000000001", "2020")}, {}}, {"t", 1}).value());
  EXPECT_EQ(library().count("ghost").value(), 0);
  connect("u");
  ASSERT_TRUE(library().replace("u", {book("A000000001", "2020")}, {"t", 1}).value());
  EXPECT_TRUE(accounts().remove("u", kWho).value());
  EXPECT_EQ(library().count("u").value(), 0);
}

TEST_P(StoreContract, ALargeLibraryIsOneQuickWrite) {
  connect("u");
  constexpr int kItems = 2500;
  std::vector<Audiobook> items;
  for (int i = 0; i < kItems; ++i) {
    char asin[11], date[11];
    std::snprintf(asin, sizeof asin, "B%09d", i);
    std::snprintf(date, sizeof date, "20%02d-01-01", i % 25);
    items.push_back(book(asin, date));
  }
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(library().replace("u", items, {"t", 1}).value());
  ASSERT_TRUE(library().replace("u", items, {"t", 2}).value());  // deletes 2 500, then inserts
  const auto took = std::chrono::steady_clock::now() - started;
  std::printf(
      "two replaces of %d items: %lld ms\n", kItems,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(library().count("u").value(), kItems);
  const auto first = library().page("u", 0, 100).value();
  ASSERT_EQ(first.size(), 100u);
  EXPECT_EQ(first[0].asin, "B000000024");  // 2024, the lowest ASIN of that year
  EXPECT_EQ(first[1].asin, "B000000049");
  EXPECT_EQ(library().page("u", kItems - 30, 100).value().size(), 30u);
  EXPECT_EQ(library().owned("u", {"B000002499", "B000002500"}).value(),
            std::set<std::string>{"B000002499"});
}

TEST_P(StoreContract, AWriteThatFailsHalfWayLandsNothing) {
  connect("u");
  ASSERT_TRUE(library().replace("u", {book("A000000001", "2020")}, {"t", 1}).value());
  fail_inserts_of("A00000BOOM");
  const auto failed =
      library().replace("u", {book("A000000002", "2021"), book("A00000BOOM", "2022")}, {"t2", 2});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, StoreErrorKind::kInternal);
  EXPECT_FALSE(library().apply("u", {{book("A00000BOOM", "2022")}, {"A000000001"}}, {"t3", 3}));
  const auto page = library().page("u", 0, 10).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].asin, "A000000001");
  EXPECT_EQ(accounts().find("u").value()->library_state_token, "t");
  EXPECT_TRUE(accounts().ping());  // the connection that failed is still good
}

TEST_P(StoreContract, EveryTokenOperationLeavesOneEventWithItsFields) {
  const std::int64_t started = audit_now_ms();
  const auto linked = connect("u");  // linked
  const auto refreshed =
      accounts().update_tokens("u", linked.token_version, "a2", "r2", 200, kWho).value();
  ASSERT_TRUE(refreshed);
  ASSERT_TRUE(accounts().mark_reauth_required("u", refreshed->token_version, kWho).value());
  const auto relinked = connect("u");
  EXPECT_TRUE(accounts().record_decryption_failure("u", relinked.token_version, kWho).value());
  // The same episode: the account is marked already, so no second event.
  EXPECT_FALSE(accounts().record_decryption_failure("u", relinked.token_version, kWho).value());
  EXPECT_EQ(accounts().find("u").value()->last_sync_error, "Token decryption failed");
  ASSERT_EQ(accounts().reseal({{"u", relinked.token_version, "a3", "r3"}}, kWho).value(),
            std::vector<bool>{true});
  const AccountRecord imported{.user_id = "v",
                               .audible_user_id = "listener-v",
                               .access_token = "gAAAAA-va",
                               .refresh_token = "gAAAAA-vr",
                               .connected_at = 10};
  EXPECT_EQ(accounts().import(imported, {"cli:import-mongo", "i", "line 7"}).value(),
            ImportOutcome::kInserted);
  EXPECT_EQ(accounts().import(imported, kWho).value(), ImportOutcome::kUnchanged);
  ASSERT_TRUE(accounts().remove("u", kWho).value());
  ASSERT_TRUE(audit().append(audit_event_now(audit_event::kRevoked, "u", "listener", kWho)));

  const auto all = events();
  EXPECT_EQ(event_names(), (std::vector<std::string>{"revoked", "disconnected", "imported",
                                                     "reencrypted", "decryption_failed", "linked",
                                                     "refresh_refused", "refreshed", "linked"}));
  for (const auto& event : all) {
    SCOPED_TRACE(event.event);
    EXPECT_GE(event.at_ms, started);
    EXPECT_LE(event.at_ms, audit_now_ms());
    if (event.event == "imported") {
      EXPECT_EQ(event.user_id, "v");
      EXPECT_EQ(event.audible_user_id, "listener-v");
      EXPECT_EQ(event.request_id, "cli:import-mongo");
      EXPECT_EQ(event.reason, "line 7: inserted");
      continue;
    }
    EXPECT_EQ(event.user_id, "u");
    EXPECT_EQ(event.audible_user_id, "listener");
    EXPECT_EQ(event.request_id, "req-test");
    EXPECT_EQ(event.instance, "instance-test");
    EXPECT_EQ(event.reason, "a test");
  }
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i].id, all[i - 1].id);
  // No token in any event: every text field of every row, against every token written.
  for (const auto& event : all) {
    for (const auto& field : {event.user_id, event.audible_user_id, event.event, event.request_id,
                              event.instance, event.reason}) {
      for (const char* token :
           {"gAAAAA-access", "gAAAAA-refresh", "a2", "r2", "a3", "r3", "gAAAAA-va", "gAAAAA-vr"}) {
        EXPECT_EQ(field.find(token), std::string::npos) << field;
      }
    }
  }
}

TEST_P(StoreContract, OperationsThatChangeNothingWriteNoEvent) {
  const auto account = connect("u");
  EXPECT_FALSE(accounts().update_tokens("u", account.token_version + 1, "a", "r", 1, kWho).value());
  EXPECT_FALSE(accounts().mark_reauth_required("u", account.token_version + 1, kWho).value());
  EXPECT_FALSE(accounts().record_decryption_failure("u", account.token_version + 1, kWho).value());
  EXPECT_EQ(accounts()
                .reseal({{"u", account.token_version + 1, "a", "r"}, {"ghost", 1, "a", "r"}}, kWho)
                .value(),
            (std::vector<bool>{false, false}));
  EXPECT_FALSE(accounts().remove("ghost", kWho).value());
  EXPECT_EQ(event_names(), std::vector<std::string>{"linked"});
}

// The event and the change are one transaction: when either cannot be written, neither is.
TEST_P(StoreContract, AnEventThatCannotBeWrittenUndoesItsChange) {
  const auto account = connect("u");
  fail_every("INSERT ON audit_events");
  const AccountRecord other{.user_id = "w", .audible_user_id = "listener-w"};
  EXPECT_FALSE(accounts().connect(other, kWho));
  EXPECT_FALSE(accounts().find("w").value());
  EXPECT_FALSE(accounts().update_tokens("u", account.token_version, "a2", "r2", 200, kWho));
  EXPECT_FALSE(accounts().mark_reauth_required("u", account.token_version, kWho));
  EXPECT_FALSE(accounts().record_decryption_failure("u", account.token_version, kWho));
  EXPECT_FALSE(accounts().reseal({{"u", account.token_version, "a3", "r3"}}, kWho));
  EXPECT_FALSE(accounts().import(other, kWho));
  EXPECT_FALSE(accounts().remove("u", kWho));
  const auto stored = accounts().find("u").value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->access_token, "gAAAAA-access");
  EXPECT_EQ(stored->version, account.version);
  EXPECT_EQ(stored->sync_status, "never_synced");
  EXPECT_FALSE(accounts().find("w").value());
  EXPECT_EQ(event_names(), std::vector<std::string>{"linked"});
}

TEST_P(StoreContract, AChangeThatFailsWritesNoEvent) {
  const auto account = connect("u");
  fail_every("UPDATE ON accounts");
  EXPECT_FALSE(accounts().update_tokens("u", account.token_version, "a2", "r2", 200, kWho));
  EXPECT_FALSE(accounts().mark_reauth_required("u", account.token_version, kWho));
  EXPECT_FALSE(accounts().reseal({{"u", account.token_version, "a3", "r3"}}, kWho));
  EXPECT_EQ(event_names(), std::vector<std::string>{"linked"});
  EXPECT_TRUE(accounts().ping());
}

TEST_P(StoreContract, TheTrailFiltersAndPagesNewestFirst) {
  for (int i = 0; i < 7; ++i) {
    AuditEvent event = audit_event_now(audit_event::kRefreshed, i % 2 ? "odd" : "even", "l", kWho);
    event.at_ms = 1'000'000 + i * 1000;
    ASSERT_TRUE(audit().append(event));
  }
  const auto all = events();
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.front().at_ms, 1'006'000);
  const auto odd = events({.user_id = "odd", .limit = 500});
  ASSERT_EQ(odd.size(), 3u);
  EXPECT_EQ(odd.front().at_ms, 1'005'000);
  EXPECT_EQ(events({.since_ms = 1'004'000, .limit = 500}).size(), 3u);
  EXPECT_EQ(events({.user_id = "even", .since_ms = 1'004'000, .limit = 500}).size(), 2u);
  // Pages of 3: each next page starts below the last id of the one before.
  std::vector<std::int64_t> seen;
  AuditQuery page{.limit = 3};
  while (true) {
    const auto got = events(page);
    for (const auto& event : got) seen.push_back(event.at_ms);
    if (static_cast<int>(got.size()) < page.limit) break;
    page.before_id = got.back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1'006'000, 1'005'000, 1'004'000, 1'003'000, 1'002'000,
                                             1'001'000, 1'000'000}));
}

TEST_P(StoreContract, PruningDeletesTheOldestInBatches) {
  for (int i = 0; i < 5; ++i) {
    AuditEvent event = audit_event_now(audit_event::kLinked, "u", "l", kWho);
    event.at_ms = 1000 + i;
    ASSERT_TRUE(audit().append(event));
  }
  EXPECT_EQ(audit().prune(1004, 2).value(), 2);
  EXPECT_EQ(audit().prune(1004, 2).value(), 2);
  EXPECT_EQ(audit().prune(1004, 2).value(), 0);
  ASSERT_EQ(events().size(), 1u);
  EXPECT_EQ(events().front().at_ms, 1004);
}

TEST_P(StoreContract, ThePrunerKeepsTheRetentionAndStopsAtOnce) {
  AuditEvent old = audit_event_now(audit_event::kLinked, "u", "l", kWho);
  old.at_ms = audit_now_ms() - 2 * 86'400'000LL;
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(audit().append(old));  // more than a batch
  ASSERT_TRUE(audit().append(audit_event_now(audit_event::kRefreshed, "u", "l", kWho)));
  AuditPruner pruner(audit(), std::chrono::days(1), std::chrono::milliseconds(20), 3);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (events().size() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(event_names(), std::vector<std::string>{"refreshed"});
  const auto stopping = std::chrono::steady_clock::now();
  pruner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(1));
}

// The background sync's leases (sync_lease_store.h). connect() links at 50 s: 50 000 ms.
constexpr std::int64_t kFloorMs = 1'000;
SyncTimes at(std::int64_t now_ms) { return {.now_ms = now_ms, .floor_ms = kFloorMs}; }
std::vector<std::string> ids(const std::vector<SyncClaim>& claims) {
  std::vector<std::string> out;
  for (const auto& claim : claims) out.push_back(claim.user_id);
  return out;
}

TEST_P(StoreContract, ADueAccountIsLeasedToOneOwnerUntilReleased) {
  SyncLeaseStore& leases = *stores_.sync_leases;
  connect("u");
  EXPECT_TRUE(leases.claim_due("A", at(50'999), 60'000, 10).value().empty());  // not due yet
  const auto claimed = leases.claim_due("A", at(51'500), 60'000, 10).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].user_id, "u");
  EXPECT_EQ(claimed[0].due_at_ms, 51'000);
  EXPECT_TRUE(leases.claim_due("B", at(51'500), 60'000, 10).value().empty());
  ASSERT_TRUE(leases.release("u", "B", 52'000));  // not B's to give back
  EXPECT_TRUE(leases.claim_due("B", at(53'000), 60'000, 10).value().empty());
  ASSERT_TRUE(leases.release("u", "A", 70'000));
  EXPECT_TRUE(leases.claim_due("B", at(69'999), 80'000, 10).value().empty());
  EXPECT_EQ(ids(leases.claim_due("B", at(70'000), 80'000, 10).value()),
            std::vector<std::string>{"u"});
}

TEST_P(StoreContract, ALeaseWhoseHolderDiedIsTakenAgain) {
  SyncLeaseStore& leases = *stores_.sync_leases;
  connect("u");
  ASSERT_EQ(leases.claim_due("A", at(51'000), 55'000, 10).value().size(), 1u);
  EXPECT_TRUE(leases.claim_due("B", at(54'999), 60'000, 10).value().empty());
  EXPECT_EQ(leases.claim_due("B", at(55'000), 60'000, 10).value().size(), 1u);
  ASSERT_TRUE(leases.release("u", "A", 90'000));        // A woke up late: B holds it now
  ASSERT_TRUE(leases.release("u", "B", std::nullopt));  // due as before
  EXPECT_EQ(leases.claim_due("C", at(56'000), 60'000, 10).value().size(), 1u);
}

TEST_P(StoreContract, AnAccountThatNeedsRelinkingIsNeverDueUntilItLinksAgain) {
  SyncLeaseStore& leases = *stores_.sync_leases;
  const auto account = connect("u");
  connect("v");
  ASSERT_TRUE(accounts().mark_reauth_required("u", account.token_version, kWho).value());
  EXPECT_EQ(ids(leases.claim_due("A", at(99'000), 100'000, 10).value()),
            std::vector<std::string>{"v"});
  EXPECT_EQ(leases.due_summary(at(99'000)).value().count, 1);
  connect("u");
  EXPECT_EQ(ids(leases.claim_due("A", at(99'000), 100'000, 10).value()),
            std::vector<std::string>{"u"});
}

TEST_P(StoreContract, ASyncTheUserAskedForPostponesTheBackgroundOne) {
  SyncLeaseStore& leases = *stores_.sync_leases;
  connect("u");
  ASSERT_TRUE(library().replace("u", {}, {"t", 60}).value());  // synced at 60 s
  EXPECT_TRUE(leases.claim_due("A", at(60'999), 70'000, 10).value().empty());
  EXPECT_EQ(leases.due_summary(at(60'999)).value().count, 0);
  EXPECT_EQ(leases.claim_due("A", at(61'000), 70'000, 10).value().size(), 1u);
}

TEST_P(StoreContract, TheMostOverdueComeFirstAndAreCounted) {
  SyncLeaseStore& leases = *stores_.sync_leases;
  for (const char* user : {"a", "b", "c"}) connect(user);
  ASSERT_TRUE(library().replace("a", {}, {"t", 55}).value());  // due at 56 000, not 51 000
  const auto due = leases.due_summary(at(60'000)).value();
  EXPECT_EQ(due.count, 3);
  EXPECT_EQ(due.oldest_due_at_ms, 51'000);
  EXPECT_EQ(ids(leases.claim_due("A", at(60'000), 70'000, 2).value()),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(leases.due_summary(at(60'000)).value().count, 3);  // leased is still due
  EXPECT_FALSE(leases.due_summary(at(50'000)).value().oldest_due_at_ms);
}

TEST_P(StoreContract, OwnersClaimingAtOnceNeverShareAnAccount) {
  constexpr int kAccounts = 40;
  for (int i = 0; i < kAccounts; ++i) connect("user-" + std::to_string(i));
  std::vector<std::vector<std::string>> taken(8);
  std::vector<std::thread> owners;
  for (std::size_t owner = 0; owner < taken.size(); ++owner) {
    owners.emplace_back([&, owner] {
      while (true) {
        auto claims =
            stores_.sync_leases->claim_due("owner-" + std::to_string(owner), at(60'000), 70'000, 3);
        ASSERT_TRUE(claims) << claims.error().message;
        if (claims->empty()) return;
        for (const auto& claim : *claims) taken[owner].push_back(claim.user_id);
      }
    });
  }
  for (auto& owner : owners) owner.join();
  std::set<std::string> distinct;
  std::size_t total = 0;
  for (const auto& mine : taken) {
    distinct.insert(mine.begin(), mine.end());
    total += mine.size();
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kAccounts));
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kAccounts));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return name_of(backend.param);
                         });

}  // namespace
}  // namespace ac
