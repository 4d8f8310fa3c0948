// TokenKeeper against the real audible-sandbox and PostgreSQL, broken mid-refresh: a refresh lock
// held elsewhere or unreachable, two instances racing, a reconnect or a disconnect between the
// provider's answer and the write, a database that refuses the write or goes away. Each test
// checks what the user would see (the TokenError, which the sync answers as CONTRACT.md says),
// that the stored account is as it was or as the other writer left it, and that no token reached
// the log.

#include "oauth/token_keeper.h"

#include <gtest/gtest.h>

#include <future>

#include "oauth/redis_refresh_lock.h"
#include "oauth_stack.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using testing::OAuthStack;
using testing::OAuthStackOptions;

const User kUser = OAuthStack::premium("user-1");

class TokenKeeperTest : public testing::OAuthFlowTest {
 protected:
  std::unique_ptr<OAuthStack> stack(OAuthStackOptions options = {}) {
    return std::make_unique<OAuthStack>(database_->url(), std::move(options));
  }

  // A linked account whose access token expires now.
  AccountRecord expired_link(OAuthStack& stack) {
    const auto linked = stack.link(kUser, "listener-a");
    EXPECT_TRUE(linked);
    stack.expire_access_token(kUser.id);
    return stack.stored(kUser.id).value_or(AccountRecord{});
  }
};

std::string plaintext(const OAuthStack& stack, const std::string& stored) {
  auto opened = stack.cipher.open(stored);
  return opened ? std::string(opened->token.reveal()) : "";
}

void expect_unchanged(const std::optional<AccountRecord>& now, const AccountRecord& before) {
  ASSERT_TRUE(now);
  EXPECT_EQ(now->token_version, before.token_version);
  EXPECT_EQ(now->access_token, before.access_token);
  EXPECT_EQ(now->refresh_token, before.refresh_token);
  EXPECT_EQ(now->sync_status, before.sync_status);
}

TEST_F(TokenKeeperTest, TwoInstancesRacingARefreshAskTheProviderOnce) {
  auto first = stack({.redis_refresh_lock = true, .lock_wait = 5s});
  const AccountRecord before = expired_link(*first);
  // The second instance: its own connections and its own handle on the shared lock.
  auto stores = open_postgres_stores(database_->url(), {}).value();
  RedisRefreshLock lock(first->redis_client, 10s, 5s);
  TokenKeeper second(*stores.accounts, first->provider, first->cipher, lock);
  // The provider takes its time, so that the other instance waits for the lock meanwhile.
  first->sandbox.add_fault({{"path", "/token"}, {"delay_ms", 300}, {"times", 1}});

  auto one = std::async(std::launch::async, [&] { return first->keeper.access_token(kUser.id); });
  auto two = std::async(std::launch::async, [&] { return second.access_token(kUser.id); });
  const auto got_one = one.get();
  const auto got_two = two.get();

  ASSERT_TRUE(got_one && got_two);
  EXPECT_EQ(*got_one, *got_two);
  EXPECT_EQ(first->sandbox.stats("listener-a")["refreshes"], 1);
  const auto after = first->stored(kUser.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->token_version, before.token_version + 1);
  EXPECT_EQ(plaintext(*first, after->access_token), got_one->reveal());
  EXPECT_EQ(events("refreshed"), 1);
}

TEST_F(TokenKeeperTest, ALockHeldElsewherePastTheWaitBoundIsUnavailable) {
  auto s = stack({.lock_wait = 150ms});
  const AccountRecord before = expired_link(*s);
  const auto held = s->refresh_lock->acquire(kUser.id);  // a refresh that does not end
  ASSERT_TRUE(held);

  const auto token = s->keeper.access_token(kUser.id);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kUnavailable);  // 503 audible_service_unavailable
  EXPECT_EQ(s->sandbox.stats("listener-a")["refreshes"], 0);
  expect_unchanged(s->stored(kUser.id), before);
}

TEST_F(TokenKeeperTest, AnUnreachableRefreshLockIsStoreUnavailable) {
  auto s = stack({.redis_refresh_lock = true, .lock_wait = 1s});
  const AccountRecord before = expired_link(*s);
  s->redis.stop();
  testing::CapturedLog log;

  const auto token = s->keeper.access_token(kUser.id);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kStoreUnavailable);  // 503 audible_service_unavailable
  EXPECT_EQ(s->sandbox.stats("listener-a")["refreshes"], 0);
  expect_unchanged(s->stored(kUser.id), before);
  const std::string text = log.text();
  EXPECT_NE(text.find("refresh lock not acquired"), std::string::npos) << text;
  testing::expect_none_in_log(
      text, {plaintext(*s, before.access_token), plaintext(*s, before.refresh_token)});
}

// The reconnect and the disconnect below happen while the sandbox holds the refresh's answer back:
// they reach the store before the refreshed tokens do.
class RacedRefresh : public TokenKeeperTest {
 protected:
  // Starts a refresh that the provider answers (with `fault`) only after `meanwhile` has run.
  std::expected<Secret, TokenError> refresh_around(OAuthStack& s, nlohmann::json fault,
                                                   const std::function<void()>& meanwhile) {
    fault.update({{"path", "/token"}, {"delay_ms", 400}, {"times", 1}});
    s.sandbox.add_fault(fault);
    const int started = s.sandbox.stats()["requests_started"];
    auto refreshed =
        std::async(std::launch::async, [&] { return s.keeper.access_token(kUser.id); });
    s.sandbox.wait_for_requests(started + 1);
    meanwhile();
    return refreshed.get();
  }
};

TEST_F(RacedRefresh, AReconnectBeforeTheWriteWinsOverTheRefresh) {
  auto s = stack();
  expired_link(*s);
  std::optional<AccountRecord> relinked;
  const auto token = refresh_around(*s, nlohmann::json::object(), [&] {
    auto linked = s->link(kUser, "listener-b");
    if (linked) relinked = std::move(*linked);
  });
  ASSERT_TRUE(relinked);

  ASSERT_TRUE(token);
  EXPECT_EQ(token->reveal(), plaintext(*s, relinked->access_token));  // the new link's token
  const auto now = s->stored(kUser.id);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->audible_user_id, "listener-b");
  EXPECT_EQ(now->token_version, relinked->token_version);
  EXPECT_EQ(events("refreshed"), 0);
}

// The disconnect revokes the grant, so the provider refuses the refresh in flight.
TEST_F(RacedRefresh, ADisconnectMeanwhileIsNotConnectedNotReauthRequired) {
  auto s = stack();
  expired_link(*s);
  const auto token =
      refresh_around(*s, nlohmann::json::object(), [&] { ASSERT_TRUE(s->flow.disconnect(kUser)); });

  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kNotConnected);  // 404 "Audible account not connected"
  EXPECT_EQ(s->sandbox.stats("listener-a")["revocations"], 1);
  EXPECT_FALSE(s->stored(kUser.id));
  EXPECT_EQ(events("refresh_refused"), 0);
}

// The revocation fails (best effort), so the provider answers the refresh in flight: its tokens
// must not bring the account back.
TEST_F(RacedRefresh, ADisconnectMeanwhileWhoseRevocationFailedLeavesNoAccount) {
  auto s = stack();
  expired_link(*s);
  s->sandbox.add_fault({{"path", "/revoke"}, {"status", 503}, {"times", 1}});
  const auto token =
      refresh_around(*s, nlohmann::json::object(), [&] { ASSERT_TRUE(s->flow.disconnect(kUser)); });

  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kNotConnected);
  EXPECT_EQ(s->sandbox.stats("listener-a")["refreshes"], 1);
  EXPECT_FALSE(s->stored(kUser.id));
  EXPECT_EQ(events("refreshed"), 0);
}

TEST_F(RacedRefresh, ARefusalAfterAReconnectKeepsTheNewLink) {
  auto s = stack();
  expired_link(*s);
  std::optional<AccountRecord> relinked;
  const auto token =
      refresh_around(*s, {{"status", 400}, {"body", R"({"error":"invalid_grant"})"}}, [&] {
        auto linked = s->link(kUser, "listener-b");
        if (linked) relinked = std::move(*linked);
      });
  ASSERT_TRUE(relinked);

  ASSERT_TRUE(token);
  EXPECT_EQ(token->reveal(), plaintext(*s, relinked->access_token));
  const auto now = s->stored(kUser.id);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->sync_status, relinked->sync_status);  // not reauth_required
  EXPECT_EQ(events("refresh_refused"), 0);
}

// The new link's token expires within the refresh margin: the next request refreshes it, so the
// user is asked to try again, not to link again.
TEST_F(RacedRefresh, ARefusalAfterAReconnectWithAShortLivedTokenIsUnavailable) {
  auto s = stack();
  expired_link(*s);
  const auto token =
      refresh_around(*s, {{"status", 400}, {"body", R"({"error":"invalid_grant"})"}}, [&] {
        s->sandbox.configure({{"access_token_ttl", 30}});
        ASSERT_TRUE(s->link(kUser, "listener-b"));
        s->sandbox.configure({{"access_token_ttl", 3600}});
      });

  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kUnavailable);  // 503 audible_service_unavailable
  EXPECT_NE(s->stored(kUser.id).value().sync_status, "reauth_required");
  EXPECT_TRUE(s->keeper.access_token(kUser.id));
  EXPECT_EQ(s->sandbox.stats("listener-b")["refreshes"], 1);
}

TEST_F(TokenKeeperTest, AProviderThatCannotAnswerIsUnavailableAndChangesNothing) {
  auto s = stack();
  const AccountRecord before = expired_link(*s);
  s->sandbox.add_fault({{"path", "/token"}, {"status", 503}, {"times", 1}});

  const auto token = s->keeper.access_token(kUser.id);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kUnavailable);  // 503 audible_service_unavailable
  expect_unchanged(s->stored(kUser.id), before);
  EXPECT_TRUE(s->keeper.access_token(kUser.id));  // the next request refreshes
}

TEST_F(TokenKeeperTest, RefreshedTokensTheDatabaseRefusesAreAnInternalError) {
  auto s = stack();
  const AccountRecord before = expired_link(*s);
  refuse("BEFORE UPDATE ON accounts");
  testing::CapturedLog log;

  const auto token = s->keeper.access_token(kUser.id);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kInternal);  // 500 internal_error
  expect_unchanged(s->stored(kUser.id), before);
  EXPECT_EQ(events("refreshed"), 0);

  // A refusal the account cannot record either: the same answer, the account as it was.
  s->sandbox.add_fault(
      {{"path", "/token"}, {"status", 400}, {"body", R"({"error":"invalid_grant"})"}});
  const auto refused = s->keeper.access_token(kUser.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), TokenError::kInternal);
  expect_unchanged(s->stored(kUser.id), before);
  EXPECT_EQ(events("refresh_refused"), 0);

  const std::string text = log.text();
  EXPECT_NE(text.find("storing refreshed tokens failed"), std::string::npos) << text;
  testing::expect_none_in_log(
      text, {plaintext(*s, before.access_token), plaintext(*s, before.refresh_token)});
}

// Against a private server, since it stops it.
TEST(TokenKeeperDatabaseDown, ADatabaseThatGoesAwayIsStoreUnavailableAndWritesNothing) {
  testing::PrivatePgServer server;
  ASSERT_FALSE(server.url().empty());
  OAuthStack s(server.url());
  ASSERT_TRUE(s.link(kUser, "listener-a"));
  s.expire_access_token(kUser.id);
  const AccountRecord before = s.stored(kUser.id).value();

  // Gone while the provider answers: the refreshed tokens cannot be stored.
  s.sandbox.add_fault({{"path", "/token"}, {"delay_ms", 300}, {"times", 1}});
  const int started = s.sandbox.stats()["requests_started"];
  auto refreshed = std::async(std::launch::async, [&] { return s.keeper.access_token(kUser.id); });
  s.sandbox.wait_for_requests(started + 1);
  ASSERT_TRUE(server.stop());
  const auto token = refreshed.get();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error(), TokenError::kStoreUnavailable);  // 503 audible_service_unavailable

  // Gone before the request: the account cannot even be read.
  const auto unread = s.keeper.access_token(kUser.id);
  ASSERT_FALSE(unread);
  EXPECT_EQ(unread.error(), TokenError::kStoreUnavailable);

  ASSERT_TRUE(server.start());
  std::optional<AccountRecord> after;
  for (int i = 0; i < 100 && !after; ++i) {
    if (auto found = s.stores.accounts->find(kUser.id))
      after = found->value_or(AccountRecord{});
    else
      std::this_thread::sleep_for(50ms);
  }
  expect_unchanged(after, before);
}

}  // namespace
}  // namespace ac
