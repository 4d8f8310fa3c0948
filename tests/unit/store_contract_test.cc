#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite_account_store.h"
#include "store/sqlite_library_store.h"

namespace ac {
namespace {

class SqliteStores : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("ac-store-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/db.sqlite");
    std::filesystem::remove_all(path_.parent_path());
    open();
  }
  void TearDown() override { std::filesystem::remove_all(path_.parent_path()); }
  void open() {
    auto db = SqliteDatabase::open(path_.string(), 2);
    ASSERT_TRUE(db) << db.error().message;
    database_ = std::shared_ptr<SqliteDatabase>(std::move(*db));
    accounts_ = std::make_unique<SqliteAccountStore>(database_);
    library_ = std::make_unique<SqliteLibraryStore>(database_);
  }
  AccountRecord connect(const std::string& user) {
    AccountRecord record;
    record.user_id = user;
    record.audible_user_id = "listener";
    record.access_token = "gAAAAA-access";
    record.refresh_token = "gAAAAA-refresh";
    record.expires_at = 100;
    record.connected_at = 50;
    return *accounts_->connect(record);
  }
  static Audiobook book(std::string asin, std::string date) {
    Audiobook b;
    b.asin = std::move(asin);
    b.title = "Title " + b.asin;
    b.rating = 4.5;
    b.duration_minutes = 90;
    b.purchase_date = std::move(date);
    return b;
  }

  std::filesystem::path path_;
  std::shared_ptr<SqliteDatabase> database_;
  std::unique_ptr<SqliteAccountStore> accounts_;
  std::unique_ptr<SqliteLibraryStore> library_;
};

TEST_F(SqliteStores, MigrationsRunOnceAndReopen) {
  EXPECT_EQ(database_->schema_version(), 2);
  connect("u");
  database_.reset();
  accounts_.reset();
  library_.reset();
  open();
  EXPECT_EQ(database_->schema_version(), 2);
  EXPECT_TRUE(accounts_->find("u").value().has_value());
}

TEST_F(SqliteStores, ConnectFindReconnectRemove) {
  EXPECT_FALSE(accounts_->find("u").value());
  EXPECT_EQ(connect("u").version, 1);
  EXPECT_EQ(connect("u").version, 2);
  const auto found = accounts_->find("u").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->sync_status, "never_synced");
  EXPECT_FALSE(found->synced_at);
  EXPECT_TRUE(accounts_->remove("u").value());
  EXPECT_FALSE(accounts_->remove("u").value());
}

TEST_F(SqliteStores, TokenUpdatesCheckTheVersion) {
  const auto account = connect("u");
  EXPECT_FALSE(accounts_->update_tokens("u", account.version + 1, "a2", "r2", 200).value());
  const auto updated = accounts_->update_tokens("u", account.version, "a2", "r2", 200).value();
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->access_token, "a2");
  EXPECT_EQ(updated->refresh_token, "r2");
  EXPECT_EQ(updated->version, account.version + 1);
  EXPECT_FALSE(accounts_->update_tokens("u", account.version, "a3", "r3", 300).value());
}

TEST_F(SqliteStores, ReauthOnlyWhenTheFailedTokenIsStillStored) {
  connect("u");
  EXPECT_FALSE(accounts_->mark_reauth_required("u", "some-other-token").value());
  EXPECT_TRUE(accounts_->mark_reauth_required("u", "gAAAAA-refresh").value());
  const auto account = accounts_->find("u").value();
  EXPECT_EQ(account->sync_status, "reauth_required");
  EXPECT_EQ(account->last_sync_error, "Token refresh failed");
}

TEST_F(SqliteStores, ReplaceApplyPageAndOwned) {
  connect("u");
  connect("v");
  ASSERT_TRUE(library_
                  ->replace("u",
                            {book("A000000001", "2020-01-01"), book("A000000002", "2022-01-01"),
                             book("A000000003", "2022-01-01")},
                            {"tok-1", 1000})
                  .value());
  ASSERT_TRUE(
      library_->replace("v", {book("A000000009", "2020-01-01")}, {std::nullopt, 1000}).value());
  auto page = library_->page("u", 0, 10).value();
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].asin, "A000000002");  // newest first, then by ASIN
  EXPECT_EQ(page[1].asin, "A000000003");
  EXPECT_EQ(page[2].asin, "A000000001");
  EXPECT_DOUBLE_EQ(*page[0].rating, 4.5);
  EXPECT_EQ(library_->page("u", 1, 1).value().front().asin, "A000000003");
  const auto account = accounts_->find("u").value();
  EXPECT_EQ(account->sync_status, "synced");
  EXPECT_EQ(account->synced_at, 1000);
  EXPECT_EQ(account->library_state_token, "tok-1");

  LibraryChanges changes{{book("A000000004", "2023-01-01"), book("A000000001", "2020-01-01")},
                         {"A000000002", "NOT-THERE"}};
  ASSERT_TRUE(library_->apply("u", changes, {"tok-2", 2000}).value());
  EXPECT_EQ(library_->count("u").value(), 3);
  EXPECT_EQ(library_->owned("u", {"A000000004", "A000000002", "A000000009"}).value(),
            std::set<std::string>{"A000000004"});
  EXPECT_EQ(library_->count("v").value(), 1);  // another user's library is untouched
}

TEST_F(SqliteStores, AFailedSyncRecordLeavesTheLibrary) {
  connect("u");
  library_->replace("u", {book("A000000001", "2020-01-01")}, {"t", 1});
  ASSERT_TRUE(accounts_->record_sync_failure("u", "failed", "Audible service unavailable"));
  EXPECT_EQ(library_->count("u").value(), 1);
  EXPECT_EQ(accounts_->find("u").value()->last_sync_error, "Audible service unavailable");
}

TEST_F(SqliteStores, NoAccountNoWriteAndRemovalCascades) {
  EXPECT_FALSE(library_->replace("ghost", {book("A000000001", "2020")}, {"t", 1}).value());
  EXPECT_EQ(library_->count("ghost").value(), 0);
  connect("u");
  library_->replace("u", {book("A000000001", "2020")}, {"t", 1});
  accounts_->remove("u");
  EXPECT_EQ(library_->count("u").value(), 0);
}

TEST_F(SqliteStores, AWriteThatFailsHalfWayLandsNothing) {
  connect("u");
  library_->replace("u", {book("A000000001", "2020")}, {"t", 1});
  // The second item breaks a NOT NULL constraint (no ASIN can be NULL; simulate with a trigger).
  ASSERT_TRUE(
      SqliteDatabase::exec(database_->acquire().get(),
                           "CREATE TRIGGER boom BEFORE INSERT ON library_items "
                           "WHEN NEW.asin = 'A00000BOOM' BEGIN SELECT RAISE(ABORT, 'boom'); END"));
  EXPECT_FALSE(
      library_->replace("u", {book("A000000002", "2021"), book("A00000BOOM", "2022")}, {"t2", 2}));
  const auto page = library_->page("u", 0, 10).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].asin, "A000000001");
  EXPECT_EQ(accounts_->find("u").value()->library_state_token, "t");
}

}  // namespace
}  // namespace ac
