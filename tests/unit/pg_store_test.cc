// What only the PostgreSQL store has to show: instances that start together, a schema from a
// newer build, a pool that runs dry, a server that restarts, and errors that keep secrets out of
// the log.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pg_test_support.h"
#include "store/pg_connection.h"
#include "store/pg_migrations.h"
#include "store/stores.h"

namespace ac {
namespace {

using std::chrono::steady_clock;
constexpr int kLatest = static_cast<int>(std::size(kPgMigrations));

class PgStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto server = testing::shared_postgres_url();
    if (!server) GTEST_SKIP() << "AC_TEST_POSTGRES_URL_FILE is not set (run through ctest)";
    server_url_ = *server;
    database_ = std::make_unique<testing::ScratchPgDatabase>(server_url_);
  }

  std::string server_url_;
  std::unique_ptr<testing::ScratchPgDatabase> database_;
};

std::string password_of(const std::string& url) {
  const auto colon = url.find(':', url.find("://") + 3);
  return url.substr(colon + 1, url.find('@') - colon - 1);
}

TEST_F(PgStore, InstancesStartingTogetherMigrateOnce) {
  constexpr int kInstances = 8;
  std::vector<std::expected<Stores, StoreError>> opened(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      opened[i] = open_postgres_stores(database_->url(), StoreOptions{.pool_size = 2});
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& stores : opened) {
    ASSERT_TRUE(stores) << stores.error().message;
    EXPECT_EQ(stores->schema_version, kLatest);
  }
  EXPECT_EQ(database_->scalar("SELECT COUNT(*) FROM schema_migrations"), kLatest);
}

TEST_F(PgStore, ASchemaNewerThanTheBuildIsRefusedInOneLine) {
  ASSERT_TRUE(open_postgres_stores(database_->url(), {}));
  database_->exec("INSERT INTO schema_migrations VALUES (999, 0)");
  const auto refused = open_postgres_stores(database_->url(), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "database schema version 999 is newer than this build knows (" +
                std::to_string(kLatest) + ")");
}

TEST_F(PgStore, AnExhaustedPoolAnswersUnavailableInTime) {
  auto pool = PgPool::create(database_->url(), 2, std::chrono::milliseconds(300)).value();
  auto first = pool->acquire();
  auto second = pool->acquire();
  ASSERT_TRUE(first && second);
  const auto started = steady_clock::now();
  const auto third = pool->acquire();
  const auto waited = steady_clock::now() - started;
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().kind, StoreErrorKind::kUnavailable);
  EXPECT_EQ(third.error().message, "no database connection free in time");
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::milliseconds(1500));
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto gone = std::move(*first);
  });
  EXPECT_TRUE(pool->acquire());  // waits for the lease given back meanwhile
  release.join();
}

TEST_F(PgStore, StatementErrorsNameTheFailureButNoRowValues) {
  auto conn = PgConnection::open(database_->url()).value();
  const auto divided = conn->exec("SELECT 1 / 0");
  ASSERT_FALSE(divided);
  EXPECT_EQ(divided.error().kind, StoreErrorKind::kInternal);
  EXPECT_EQ(divided.error().message, "division by zero (SQLSTATE 22012)");
  ASSERT_TRUE(conn->exec("CREATE TABLE t (a TEXT NOT NULL, b TEXT)"));
  const auto refused =
      conn->exec("INSERT INTO t VALUES (NULL, $1)", PgParams().add("gAAAAA-secret"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("gAAAAA-secret"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(conn->exec("SELECT 1"));  // still usable
}

TEST_F(PgStore, TheUrlsOwnParametersAreKept) {
  for (const char* tail : {"?connect_timeout=5", "?application_name=ac-test&sslmode=disable"}) {
    const auto stores = open_postgres_stores(database_->url() + tail, {});
    ASSERT_TRUE(stores) << tail << ": " << stores.error().message;
    EXPECT_TRUE(stores->accounts->ping());
  }
}

TEST_F(PgStore, ABadPasswordStaysOutOfTheError) {
  const std::string password = password_of(server_url_);
  ASSERT_FALSE(password.empty());
  std::string url = database_->url();
  url.replace(url.find(password), password.size(), "Wr0ng-Pa55word");
  const auto refused = open_postgres_stores(url, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, StoreErrorKind::kUnavailable);
  EXPECT_NE(refused.error().message.find("password authentication failed"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("Wr0ng-Pa55word"), std::string::npos);
  EXPECT_EQ(refused.error().message.find(password), std::string::npos);
  EXPECT_EQ(refused.error().message.find('\n'), std::string::npos);
}

TEST(PgStoreStart, AnUnreachableServerIsOneUnavailableLine) {
  const auto refused =
      open_postgres_stores("postgresql://ac:Sekr1t-pw@127.0.0.1:1/ac?connect_timeout=2", {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, StoreErrorKind::kUnavailable);
  EXPECT_TRUE(refused.error().message.starts_with("cannot connect to PostgreSQL: "))
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(refused.error().message.find("Sekr1t-pw"), std::string::npos);
}

TEST(PgStoreStart, AMalformedUrlIsRefusedWithoutQuotingIt) {
  const auto refused = open_postgres_stores("postgresql://ac:p%zzSekr1t@127.0.0.1/ac", {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("Sekr1t"), std::string::npos) << refused.error().message;
}

// Against a private server, since it stops and starts it.
TEST(PgStoreRestart, TheStoreReconnectsByItselfAfterTheServerComesBack) {
  testing::PrivatePgServer server;
  ASSERT_FALSE(server.url().empty());
  auto stores = open_postgres_stores(server.url(), StoreOptions{.pool_size = 3});
  ASSERT_TRUE(stores) << stores.error().message;
  AccountRecord record;
  record.user_id = "u";
  ASSERT_TRUE(stores->accounts->connect(record, AuditContext{"req", "instance", "test"}));

  ASSERT_TRUE(server.stop());
  const auto found = stores->accounts->find("u");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, StoreErrorKind::kUnavailable) << found.error().message;
  const auto replaced = stores->library->replace("u", {}, {"t", 1});
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error().kind, StoreErrorKind::kUnavailable) << replaced.error().message;
  EXPECT_EQ(stores->accounts->ping().error().kind, StoreErrorKind::kUnavailable);

  ASSERT_TRUE(server.start());
  const auto back = steady_clock::now();
  std::expected<std::optional<AccountRecord>, StoreError> again;
  do {
    again = stores->accounts->find("u");
  } while (!again && steady_clock::now() - back < std::chrono::seconds(5) &&
           (std::this_thread::sleep_for(std::chrono::milliseconds(50)), true));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->has_value());
  EXPECT_TRUE(stores->library->replace("u", {}, {"t", 2}).value());
}

}  // namespace
}  // namespace ac
