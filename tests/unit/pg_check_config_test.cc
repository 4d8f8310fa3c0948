// check-config against a real PostgreSQL (the `postgres` CTest fixture): exit 0 when the database
// is usable, exit 1 with one line naming the cause when this login cannot write, when the schema
// is newer than this build, and when the password is wrong.

#include <gtest/gtest.h>

#include <memory>

#include "check_config_support.h"
#include "pg_test_support.h"
#include "store/stores.h"

namespace ac {
namespace {

class PgCheckConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto server = testing::shared_postgres_url();
    if (!server) GTEST_SKIP() << "AC_TEST_POSTGRES_URL_FILE is not set (run through ctest)";
    database_ = std::make_unique<testing::ScratchPgDatabase>(*server);
    // Migrated, as serve leaves it.
    ASSERT_TRUE(open_postgres_stores(database_->url(), StoreOptions{.pool_size = 1}));
  }

  testing::CheckConfigOutcome check(const std::string& url) {
    return testing::run_check_config_with(url);
  }

  // Exactly one "unusable:" line, and it holds `cause`.
  static void expect_one_cause(const testing::CheckConfigOutcome& result,
                               const std::string& cause) {
    EXPECT_EQ(result.code, 1) << result.out;
    const auto unusable = result.out.find("unusable: DATABASE_URL: ");
    ASSERT_NE(unusable, std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("unusable:", unusable + 1), std::string::npos) << result.out;
    const auto line = result.out.substr(unusable, result.out.find('\n', unusable) - unusable);
    EXPECT_NE(line.find(cause), std::string::npos) << line;
  }

  std::unique_ptr<testing::ScratchPgDatabase> database_;
};

TEST_F(PgCheckConfig, AUsableDatabaseIsUsable) {
  const auto result = check(database_->url());
  EXPECT_EQ(result.code, 0) << result.out << result.err;
  EXPECT_TRUE(result.said("status:            usable")) << result.out;
}

TEST_F(PgCheckConfig, ALoginThatMayOnlyReadIsUnusable) {
  // The owner takes its own write rights away: what a role granted SELECT alone has.
  database_->exec("REVOKE INSERT, UPDATE, DELETE ON accounts FROM CURRENT_USER");
  expect_one_cause(check(database_->url()), "may not write the accounts table");
}

TEST_F(PgCheckConfig, ALoginThatMayNotDeleteIsUnusable) {
  // Disconnect deletes: a login that may insert and update but not delete cannot work either.
  database_->exec("REVOKE DELETE ON accounts FROM CURRENT_USER");
  expect_one_cause(check(database_->url()), "may not write the accounts table");
}

TEST_F(PgCheckConfig, ReadOnlySessionsAreUnusable) {
  database_->exec(
      "DO $$ BEGIN EXECUTE format("
      "'ALTER DATABASE %I SET default_transaction_read_only = on', "
      "current_database()); END $$");
  expect_one_cause(check(database_->url()), "default_transaction_read_only is on");
}

TEST_F(PgCheckConfig, ASchemaNewerThanTheBuildIsUnusable) {
  database_->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  expect_one_cause(check(database_->url()), "database schema version 999 is newer than this build");
}

TEST_F(PgCheckConfig, AWrongPasswordIsUnusableAndNotShown) {
  const auto result = check(testing::with_password(database_->url(), "not-the-password"));
  expect_one_cause(result, "password authentication failed");
  EXPECT_FALSE(result.said("not-the-password")) << result.out;
}

}  // namespace
}  // namespace ac
