#pragma once

// The OAuth side of one service instance, wired as serve wires it, for tests of ConnectFlow and
// TokenKeeper against real servers: the audible-sandbox binary as the provider, a PostgreSQL
// database (the caller's URL: a scratch database, or a private server the test stops), a Redis of
// its own for the states (and the refresh lock, if asked) and a refresh lock. A test breaks one of
// them mid-flow and checks what the user would see.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/user.h"
#include "crypto/token_cipher.h"
#include "net/http_client.h"
#include "oauth/connect_flow.h"
#include "oauth/provider_client.h"
#include "oauth/redis_state_store.h"
#include "oauth/refresh_lock.h"
#include "oauth/token_keeper.h"
#include "pg_test_support.h"
#include "redis_test_server.h"
#include "sandbox_process.h"
#include "store/stores.h"

namespace ac::testing {

struct OAuthStackOptions {
  std::vector<std::string> sandbox_arguments{"--rotate-refresh-tokens"};
  bool redis_refresh_lock = false;  // a RedisRefreshLock on `redis`, else a LocalRefreshLock
  std::chrono::milliseconds lock_wait{2000};
};

class OAuthStack {
 public:
  OAuthStack(const std::string& database_url, OAuthStackOptions options = {});

  // A premium user of the platform.
  static User premium(const std::string& id);

  // The whole link: begin, approve at the sandbox as `audible_user`, complete.
  std::expected<AccountRecord, ConnectError> link(const User& user,
                                                  const std::string& audible_user);
  // The stored account (the test fails when the store cannot say).
  std::optional<AccountRecord> stored(const std::string& user_id);
  // Marks the stored access token as expiring now, so that the next access_token() refreshes.
  void expire_access_token(const std::string& user_id);

  SandboxProcess sandbox;
  redis_test::PrivateRedis redis;
  std::shared_ptr<RedisClient> redis_client;
  Settings settings;
  HttpClient http;
  ProviderClient provider;
  TokenCipher cipher;
  Stores stores;
  RedisStateStore states;
  std::unique_ptr<RefreshLock> refresh_lock;
  ConnectFlow flow;
  TokenKeeper keeper;

 private:
  std::string database_url_;
};

// A fixture with a scratch database on the shared PostgreSQL (skipped outside CTest).
class OAuthFlowTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // How many audit events of this kind the database holds.
  std::int64_t events(const std::string& event);
  // A trigger that fails `timing` (for example "BEFORE DELETE ON accounts"), for the rows that
  // meet `condition` if given, as a full disk would.
  void refuse(const std::string& timing, const std::string& condition = "");

  std::unique_ptr<ScratchPgDatabase> database_;
};

// What a test logged meanwhile: stdout, captured from construction to text().
class CapturedLog {
 public:
  CapturedLog();
  ~CapturedLog();
  std::string text();  // once: ends the capture

 private:
  bool capturing_ = true;
};

// Fails the test when `log` holds any of `secrets` (tokens, codes), or an empty one was given.
void expect_none_in_log(const std::string& log, const std::vector<std::string>& secrets);

}  // namespace ac::testing
