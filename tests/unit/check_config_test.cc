#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "check_config_support.h"
#include "crypto/fernet.h"
#include "store/sqlite_database.h"
#include "store/stores.h"

namespace ac {
namespace {

namespace fs = std::filesystem;

class CheckConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ac-check-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A usable configuration, changed by `changes` (an empty value removes the variable).
  testing::CheckConfigOutcome check(std::map<std::string, std::string> changes = {},
                                    bool connect = false) {
    changes.try_emplace("AUDIBLE_TOKEN_ENCRYPTION_KEY", key_);
    return testing::run_check_config_with("sqlite:///" + (dir_ / "data" / "service.db").string(),
                                          std::move(changes), connect);
  }

  static bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  fs::path dir_;
  const std::string key_ = FernetKey::generate().text();
};

TEST_F(CheckConfig, ShowsTheBackgroundSync) {
  EXPECT_TRUE(has(check({{"AUDIBLE_BACKGROUND_SYNC_HOURS", "0"}}).out,
                  "background sync:   off (AUDIBLE_BACKGROUND_SYNC_HOURS=0)\n"));
  EXPECT_TRUE(has(check({{"AUDIBLE_BACKGROUND_SYNC_HOURS", "0.001"},
                         {"AUDIBLE_BACKGROUND_SYNC_CONCURRENCY", "4"}})
                      .out,
                  "background sync:   every 0.001 h (3.6 s), 4 at once\n"));
}

TEST_F(CheckConfig, UsableConfigurationPrintsNoSecretsAndCreatesNothing) {
  const auto result = check();
  EXPECT_EQ(result.code, 0) << result.out << result.err;
  EXPECT_TRUE(has(result.out, "integration:       configured"));
  EXPECT_TRUE(has(result.out, "background sync:   every 12 h (43200 s), 2 at once"));
  EXPECT_TRUE(has(result.out, "status:            usable"));
  EXPECT_FALSE(fs::exists(dir_ / "data"));  // serve creates it; check-config only looks
  for (const std::string& secret : {std::string("client-secret-value"),
                                    std::string("jwt-secret-value-of-at-least-32-bytes"), key_}) {
    EXPECT_FALSE(has(result.out, secret)) << secret;
  }
}

TEST_F(CheckConfig, NoKeyWithoutPlaintextFlagIsUnusable) {
  const auto result = check({{"AUDIBLE_TOKEN_ENCRYPTION_KEY", ""}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: AUDIBLE_TOKEN_ENCRYPTION_KEY"));
}

TEST_F(CheckConfig, BadValueIsOneLineOnStderr) {
  const auto result = check({{"PORT", "eighty"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "config error: PORT must be a whole number from 0 to 65535 (got \"eighty\")\n");
}

TEST_F(CheckConfig, IntegrationNotConfiguredIsUnusableUnlessTurnedOff) {
  auto result = check({{"AUDIBLE_CLIENT_ID", ""}, {"AUDIBLE_CLIENT_SECRET", ""}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out,
                  "unusable: integration not configured (missing: AUDIBLE_CLIENT_ID "
                  "AUDIBLE_CLIENT_SECRET); set AUDIBLE_INTEGRATION_ENABLED=false"));

  result = check({{"AUDIBLE_CLIENT_ID", ""}, {"AUDIBLE_INTEGRATION_ENABLED", "false"}});
  EXPECT_EQ(result.code, 0) << result.out;
  EXPECT_TRUE(has(result.out, "integration:       turned off (AUDIBLE_INTEGRATION_ENABLED=false)"));
  EXPECT_TRUE(has(result.out, "warning:           integration turned off"));
}

TEST_F(CheckConfig, RedirectUriMustBeHttpsOutsideLoopback) {
  auto result = check({{"AUDIBLE_REDIRECT_URI", "http://app.example/cb"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: AUDIBLE_REDIRECT_URI must use https"));
  EXPECT_EQ(check({{"AUDIBLE_REDIRECT_URI", "http://127.0.0.1:8001/cb"}}).code, 0);
}

TEST_F(CheckConfig, ShortJwtSecretIsAWarning) {
  const auto result = check({{"JWT_SECRET_KEY", "short"}});
  EXPECT_EQ(result.code, 0);
  EXPECT_TRUE(has(result.out, "warning:           JWT_SECRET_KEY is shorter than 32 bytes"));
}

TEST_F(CheckConfig, DatabaseThatIsADirectoryOrUnderAFileIsUnusable) {
  auto result = check({{"DATABASE_URL", "sqlite:///" + dir_.string()}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: DATABASE_URL: " + dir_.string() + " is a directory"));

  std::ofstream(dir_ / "plain-file") << "x";
  result = check({{"DATABASE_URL", "sqlite:///" + (dir_ / "plain-file" / "x.db").string()}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "is not a directory")) << result.out;
}

TEST_F(CheckConfig, SchemaNewerThanTheBuildIsUnusable) {
  const auto path = (dir_ / "service.db").string();
  {
    auto stores = open_stores(DatabaseUrl{DatabaseUrl::Kind::kSqlite, path, ""}, {});
    ASSERT_TRUE(stores);
    auto db = SqliteDatabase::open(path, 1);
    ASSERT_TRUE(db);
    auto lease = (*db)->acquire();
    ASSERT_TRUE(lease);
    ASSERT_TRUE(SqliteDatabase::exec(
        lease->get(), "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)"));
  }
  const auto result = check({{"DATABASE_URL", "sqlite:///" + path}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: DATABASE_URL: database schema version 999 is newer"))
      << result.out;
}

TEST_F(CheckConfig, UnreachablePostgresIsUnusableWithoutItsPassword) {
  const auto result = check({{"DATABASE_URL", "postgresql://app:db-password@127.0.0.1:1/x"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: DATABASE_URL: ")) << result.out;
  EXPECT_FALSE(has(result.out, "db-password"));
}

TEST_F(CheckConfig, UnreachableRedisIsUnusable) {
  const auto result = check({{"REDIS_URL", "redis://:redis-password@127.0.0.1:1/0"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: REDIS_URL: Redis does not answer")) << result.out;
  EXPECT_FALSE(has(result.out, "redis-password"));
}

TEST_F(CheckConfig, AddressInUseOrUnknownIsUnusable) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string port = std::to_string(ntohs(address.sin_port));
  auto result = check({{"PORT", port}});
  ::close(fd);
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: PORT: 127.0.0.1:" + port + " is already in use"))
      << result.out;

  result = check({{"HOST", "no-such-host.invalid"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out, "unusable: HOST: cannot resolve \"no-such-host.invalid\""));
}

TEST_F(CheckConfig, ConnectFindsATokenEndpointThatDoesNotAnswer) {
  const auto result = check(
      {{"AUDIBLE_AUTH_URL", "http://127.0.0.1:1"}, {"AUDIBLE_HTTP_CONNECT_TIMEOUT_SECONDS", "2"}},
      true);
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out,
                  "unusable: AUDIBLE_TOKEN_URL: http://127.0.0.1:1/token does not "
                  "answer"))
      << result.out;
}

TEST_F(CheckConfig, ConnectFindsAUserInfoEndpointThatDoesNotAnswer) {
  // The token endpoint is not asked when the integration is off; the user-info endpoint is.
  const auto result = check({{"AUDIBLE_INTEGRATION_ENABLED", "false"},
                             {"AUTH_USERINFO_URL", "http://127.0.0.1:1/api/v1/auth/me"},
                             {"AUDIBLE_HTTP_CONNECT_TIMEOUT_SECONDS", "2"}},
                            true);
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(has(result.out,
                  "unusable: AUTH_USERINFO_URL: http://127.0.0.1:1/api/v1/auth/me "
                  "does not answer"))
      << result.out;
}

}  // namespace
}  // namespace ac
