// ConnectFlow against the real audible-sandbox, Redis and PostgreSQL, broken mid-flow: a state
// store that is down when the flow begins or ends, a database that refuses or loses the account
// write or the delete, another disconnect that wins the race, an audit trail that refuses the
// revocation's event. Each test checks the ConnectError or DisconnectError (the contract's answer
// is noted beside it), what is stored afterwards, what the provider was asked, and the log.

#include "oauth/connect_flow.h"

#include <gtest/gtest.h>

#include <future>

#include "oauth_stack.h"
#include "store/pg_connection.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using testing::OAuthStack;

const User kUser = OAuthStack::premium("user-1");

using ConnectFlowTest = testing::OAuthFlowTest;

TEST_F(ConnectFlowTest, AStateStoreDownAtEitherEndIsStoreUnavailable) {
  OAuthStack s(database_->url());
  const auto start = s.flow.begin(kUser);
  ASSERT_TRUE(start);
  CallbackInput input;
  input.state = start->state;
  input.code = s.sandbox.approve(start->auth_url, "listener-a");
  s.redis.stop();
  testing::CapturedLog log;

  const auto completed = s.flow.complete(kUser, input);
  ASSERT_FALSE(completed);
  EXPECT_EQ(completed.error(), ConnectError::kStoreUnavailable);  // 503 audible_service_unavailable
  EXPECT_EQ(s.sandbox.stats("listener-a")["codes_exchanged"], 0);
  EXPECT_FALSE(s.stored(kUser.id));

  const auto begun = s.flow.begin(kUser);
  ASSERT_FALSE(begun);
  EXPECT_EQ(begun.error(), ConnectError::kStoreUnavailable);  // 503 audible_service_unavailable

  const std::string text = log.text();
  EXPECT_NE(text.find("state store unavailable"), std::string::npos) << text;
  testing::expect_none_in_log(text, {*input.code, input.state});
}

TEST_F(ConnectFlowTest, AnAccountWriteTheDatabaseRefusesKeepsTheEarlierLinkAndRevokesTheNewGrant) {
  OAuthStack s(database_->url());
  const auto first = s.link(kUser, "listener-a");
  ASSERT_TRUE(first);
  refuse("BEFORE INSERT OR UPDATE ON accounts");
  testing::CapturedLog log;

  const auto again = s.link(kUser, "listener-b");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), ConnectError::kInternal);  // 500 internal_error
  const auto stored = s.stored(kUser.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->audible_user_id, "listener-a");
  EXPECT_EQ(stored->token_version, first->token_version);
  EXPECT_EQ(events("linked"), 1);
  // The grant nobody stored is revoked at the provider; the stored one still works.
  EXPECT_EQ(s.sandbox.stats("listener-b")["active_refresh_tokens"], 0);
  EXPECT_EQ(s.sandbox.stats("listener-a")["active_refresh_tokens"], 1);
  EXPECT_EQ(s.sandbox.stats("listener-b")["revocations"], 1);
  EXPECT_TRUE(s.keeper.access_token(kUser.id));
  EXPECT_EQ(events("revoked"), 1);

  const std::string text = log.text();
  EXPECT_NE(text.find("account write failed"), std::string::npos) << text;
  EXPECT_NE(text.find("refresh token revoked"), std::string::npos) << text;
  EXPECT_EQ(text.find("gAAAAA"), std::string::npos) << text;  // no stored token either
}

TEST_F(ConnectFlowTest, AnUnstoredGrantWhoseRevocationFailsIsLoggedAndTheAnswerStands) {
  OAuthStack s(database_->url());
  refuse("BEFORE INSERT OR UPDATE ON accounts");
  s.sandbox.add_fault({{"path", "/revoke"}, {"status", 503}, {"body", "busy"}, {"times", 1}});
  testing::CapturedLog log;

  const auto linked = s.link(kUser, "listener-b");
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error(), ConnectError::kInternal);  // 500 internal_error, as without the fault
  EXPECT_FALSE(s.stored(kUser.id));
  // The fault answered in the revocation endpoint's place: the grant is still live.
  EXPECT_EQ(s.sandbox.stats("listener-b")["revocations"], 0);
  EXPECT_EQ(s.sandbox.stats("listener-b")["active_refresh_tokens"], 1);
  EXPECT_EQ(events("revoked"), 0);

  const std::string text = log.text();
  EXPECT_NE(text.find("token revocation failed"), std::string::npos) << text;
  EXPECT_NE(text.find("revoke answered 503"), std::string::npos) << text;
  EXPECT_NE(text.find("grant not stored"), std::string::npos) << text;
  EXPECT_EQ(text.find("token revoked"), std::string::npos) << text;
}

TEST_F(ConnectFlowTest, ADeleteTheDatabaseRefusesRevokesNothing) {
  OAuthStack s(database_->url());
  ASSERT_TRUE(s.link(kUser, "listener-a"));
  refuse("BEFORE DELETE ON accounts");

  const auto done = s.flow.disconnect(kUser);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error(), DisconnectError::kInternal);  // 500 internal_error
  EXPECT_TRUE(s.stored(kUser.id));
  EXPECT_EQ(s.sandbox.stats("listener-a")["revocations"], 0);
  EXPECT_TRUE(s.keeper.access_token(kUser.id));  // the stored tokens still work
  EXPECT_EQ(events("disconnected"), 0);
}

TEST_F(ConnectFlowTest, ADisconnectThatAnotherOneBeatsIsNotConnectedAndRevokesNothing) {
  OAuthStack s(database_->url());
  ASSERT_TRUE(s.link(kUser, "listener-a"));
  // The other instance's delete, not committed yet: ours reads the account, then waits on its row.
  auto other = PgConnection::open(database_->url()).value();
  ASSERT_TRUE(other->exec("BEGIN"));
  ASSERT_TRUE(other->exec("DELETE FROM accounts WHERE user_id = $1", PgParams().add(kUser.id)));
  auto ours = std::async(std::launch::async, [&] { return s.flow.disconnect(kUser); });
  const std::string waiting =
      "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
      "current_database()";
  for (int i = 0; i < 500 && database_->scalar(waiting) == 0; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(other->exec("COMMIT"));

  const auto done = ours.get();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error(), DisconnectError::kNotConnected);  // 404 "No Audible account connected"
  EXPECT_EQ(s.sandbox.stats("listener-a")["revocations"], 0);
}

TEST_F(ConnectFlowTest, ARevocationWhoseAuditEventIsRefusedStillDisconnects) {
  OAuthStack s(database_->url());
  ASSERT_TRUE(s.link(kUser, "listener-a"));
  refuse("BEFORE INSERT ON audit_events", "NEW.event = 'revoked'");
  testing::CapturedLog log;

  EXPECT_TRUE(s.flow.disconnect(kUser));
  EXPECT_FALSE(s.stored(kUser.id));
  EXPECT_EQ(s.sandbox.stats("listener-a")["revocations"], 1);
  EXPECT_EQ(events("disconnected"), 1);
  EXPECT_EQ(events("revoked"), 0);
  const std::string text = log.text();
  EXPECT_NE(text.find("audit event not written"), std::string::npos) << text;
}

TEST_F(ConnectFlowTest, ARefreshTokenNoKeyOpensIsNotRevokedButTheAccountGoes) {
  OAuthStack s(database_->url());
  ASSERT_TRUE(s.link(kUser, "listener-a"));
  // An instance whose key is not the one the tokens were sealed with.
  const TokenCipher other_key(MultiFernet({FernetKey::generate()}), false);
  ConnectFlow flow(s.settings, s.states, s.provider, other_key, *s.stores.accounts,
                   *s.stores.audit);
  testing::CapturedLog log;

  EXPECT_TRUE(flow.disconnect(kUser));
  EXPECT_FALSE(s.stored(kUser.id));
  EXPECT_EQ(s.sandbox.stats("listener-a")["revocations"], 0);
  EXPECT_EQ(events("disconnected"), 1);
  const std::string text = log.text();
  EXPECT_NE(text.find("stored refresh token unreadable; not revoked"), std::string::npos) << text;
}

// Against a private server, since it stops it.
TEST(ConnectFlowDatabaseDown, TheCallbackAndTheDisconnectAreStoreUnavailable) {
  testing::PrivatePgServer server;
  ASSERT_FALSE(server.url().empty());
  OAuthStack s(server.url());
  const auto start = s.flow.begin(kUser);
  ASSERT_TRUE(start);
  CallbackInput input;
  input.state = start->state;
  input.code = s.sandbox.approve(start->auth_url, "listener-a");
  ASSERT_TRUE(server.stop());

  const auto completed = s.flow.complete(kUser, input);
  ASSERT_FALSE(completed);
  EXPECT_EQ(completed.error(), ConnectError::kStoreUnavailable);  // 503 audible_service_unavailable
  const auto disconnected = s.flow.disconnect(kUser);
  ASSERT_FALSE(disconnected);
  EXPECT_EQ(disconnected.error(), DisconnectError::kStoreUnavailable);  // 503 likewise
  // The exchanged grant was not stored: revoked, its audit event lost with the database.
  EXPECT_EQ(s.sandbox.stats("listener-a")["revocations"], 1);
  EXPECT_EQ(s.sandbox.stats("listener-a")["active_refresh_tokens"], 0);
}

}  // namespace
}  // namespace ac
