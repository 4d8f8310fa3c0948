#include "oauth_stack.h"

#include "oauth/local_refresh_lock.h"
#include "oauth/redis_refresh_lock.h"
#include "obs/log.h"
#include "store/pg_connection.h"

namespace ac::testing {
namespace {

using namespace std::chrono_literals;

MultiFernet fresh_keys() { return MultiFernet({FernetKey::generate()}); }

std::unique_ptr<RefreshLock> refresh_lock_for(const OAuthStackOptions& options,
                                              std::shared_ptr<RedisClient> redis) {
  if (!options.redis_refresh_lock) return std::make_unique<LocalRefreshLock>(options.lock_wait);
  return std::make_unique<RedisRefreshLock>(std::move(redis), 10s, options.lock_wait);
}

}  // namespace

OAuthStack::OAuthStack(const std::string& database_url, OAuthStackOptions options)
    : sandbox(std::move(options.sandbox_arguments)),
      redis_client(std::make_shared<RedisClient>(redis_test::loopback_url(redis.port()))),
      settings(sandbox.provider_settings()),
      http(settings.http),
      provider(settings, http),
      cipher(fresh_keys(), false),
      stores(open_postgres_stores(database_url, StoreOptions{.pool_size = 4, .acquire_timeout = 1s})
                 .value()),
      states(redis_client, fresh_keys(), 60s),
      refresh_lock(refresh_lock_for(options, redis_client)),
      flow(settings, states, provider, cipher, *stores.accounts, *stores.audit),
      keeper(*stores.accounts, provider, cipher, *refresh_lock),
      database_url_(database_url) {}

User OAuthStack::premium(const std::string& id) {
  User user;
  user.id = id;
  user.subscription_tier = "premium";
  return user;
}

std::expected<AccountRecord, ConnectError> OAuthStack::link(const User& user,
                                                            const std::string& audible_user) {
  auto start = flow.begin(user);
  if (!start) return std::unexpected(start.error());
  CallbackInput input;
  input.state = start->state;
  input.code = sandbox.approve(start->auth_url, audible_user);
  return flow.complete(user, input);
}

std::optional<AccountRecord> OAuthStack::stored(const std::string& user_id) {
  auto found = stores.accounts->find(user_id);
  if (!found) {
    ADD_FAILURE() << "the account store failed: " << found.error().message;
    return std::nullopt;
  }
  return *found;
}

void OAuthStack::expire_access_token(const std::string& user_id) {
  auto conn = PgConnection::open(database_url_);
  ASSERT_TRUE(conn) << conn.error().message;
  ASSERT_TRUE((*conn)->exec("UPDATE accounts SET expires_at = 0 WHERE user_id = $1",
                            PgParams().add(user_id)));
}

void OAuthFlowTest::SetUp() {
  const auto server = shared_postgres_url();
  if (!server) GTEST_SKIP() << "AC_TEST_POSTGRES_URL_FILE is not set (run through ctest)";
  database_ = std::make_unique<ScratchPgDatabase>(*server);
}

std::int64_t OAuthFlowTest::events(const std::string& event) {
  return database_->scalar("SELECT COUNT(*) FROM audit_events WHERE event = '" + event + "'");
}

void OAuthFlowTest::refuse(const std::string& timing, const std::string& condition) {
  database_->exec(
      "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RAISE EXCEPTION 'no space left on device'; END $$; "
      "CREATE TRIGGER refuse " +
      timing + " FOR EACH ROW " + (condition.empty() ? "" : "WHEN (" + condition + ") ") +
      "EXECUTE FUNCTION refuse();");
}

CapturedLog::CapturedLog() { ::testing::internal::CaptureStdout(); }

CapturedLog::~CapturedLog() {
  if (capturing_) text();
}

std::string CapturedLog::text() {
  capturing_ = false;
  log::flush();  // lines are written by the log's own thread
  return ::testing::internal::GetCapturedStdout();
}

void expect_none_in_log(const std::string& log, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    ASSERT_FALSE(secret.empty());
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret in the log:\n" << log;
  }
}

}  // namespace ac::testing
