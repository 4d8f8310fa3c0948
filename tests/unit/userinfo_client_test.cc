// UserInfoClient: what the endpoint's answers mean, the per-token cache and its bounds, and
// single flight for concurrent lookups of one token.

#include "auth/userinfo_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>
#include <vector>

#include "fake_fetch.h"
#include "obs/metrics.h"

namespace ac {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

// audible_connect_userinfo_lookups_total{outcome} as it stands now (the registry is the process's).
std::uint64_t lookups(const std::string& outcome) {
  return metrics::registry().userinfo_lookups_total.with("outcome=\"" + outcome + '"').value();
}

class UserInfoClientTest : public ::testing::Test {
 protected:
  UserInfoClient client(std::int64_t cache_seconds = 60, std::size_t max_entries = 100) {
    return UserInfoClient(UserInfoOptions{.url = "https://platform.example/api/v1/auth/me",
                                          .cache_seconds = cache_seconds,
                                          .max_entries = max_entries},
                          fetch_.function());
  }
  testing::FakeFetch fetch_;
};

TEST_F(UserInfoClientTest, TheAnswerIsTheUser) {
  fetch_.answer(200, R"({"id": 7, "email": "a@b.c", "subscription_tier": "premium",
                        "roles": ["admin"], "is_active": true})");
  auto c = client();
  const auto user = c.lookup("opaque-token", std::nullopt, kNow);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, "7");
  EXPECT_EQ(user->subscription_tier, "premium");
  EXPECT_TRUE(user->is_admin);
  const auto request = fetch_.last_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "https://platform.example/api/v1/auth/me");
  EXPECT_NE(std::ranges::find(request.headers, std::pair<std::string, std::string>(
                                                   "Authorization", "Bearer opaque-token")),
            request.headers.end());
}

TEST_F(UserInfoClientTest, RefusalIsRefusedAndEverythingElseIsUnavailable) {
  auto c = client();
  for (const long status : {401L, 403L}) {
    fetch_.answer(status, R"({"detail": "Could not validate credentials"})");
    EXPECT_EQ(c.lookup("t", std::nullopt, kNow).error(), UserInfoError::kRefused) << status;
  }
  for (const long status : {200L, 200L, 200L, 404L, 500L, 502L, 302L}) {
    fetch_.answer(status, status == 200 ? "<html>login</html>" : R"({"sub": "u"})");
    EXPECT_EQ(c.lookup("t", std::nullopt, kNow).error(), UserInfoError::kUnavailable) << status;
  }
  fetch_.answer(200, R"({"email": "no-id@example.com"})");
  EXPECT_EQ(c.lookup("t", std::nullopt, kNow).error(), UserInfoError::kUnavailable);
  fetch_.answer(200, R"(["sub"])");
  EXPECT_EQ(c.lookup("t", std::nullopt, kNow).error(), UserInfoError::kUnavailable);
  for (const auto kind : {TransportError::kTimeout, TransportError::kConnect, TransportError::kBusy,
                          TransportError::kTooLarge}) {
    fetch_.fail(kind);
    EXPECT_EQ(c.lookup("t", std::nullopt, kNow).error(), UserInfoError::kUnavailable);
  }
}

TEST_F(UserInfoClientTest, EveryLookupCountsOnceByItsOutcome) {
  auto c = client();
  const std::vector<std::string> outcomes{"cache_hit",    "shared",     "ok",
                                          "unauthorized", "bad_status", "invalid_answer",
                                          "timeout",      "busy",       "error"};
  std::map<std::string, std::uint64_t> before;
  for (const auto& outcome : outcomes) before[outcome] = lookups(outcome);
  const auto added = [&](const std::string& outcome) { return lookups(outcome) - before[outcome]; };

  fetch_.answer(200, R"({"sub": "u"})");
  ASSERT_TRUE(c.lookup("good", std::nullopt, kNow));
  ASSERT_TRUE(c.lookup("good", std::nullopt, kNow));
  fetch_.answer(403, "");
  EXPECT_FALSE(c.lookup("refused", std::nullopt, kNow));
  fetch_.answer(502, "");
  EXPECT_FALSE(c.lookup("t", std::nullopt, kNow));
  fetch_.answer(200, "<html>login</html>");
  EXPECT_FALSE(c.lookup("t", std::nullopt, kNow));
  for (const auto kind : {TransportError::kTimeout, TransportError::kBusy, TransportError::kConnect,
                          TransportError::kTooLarge}) {
    fetch_.fail(kind);
    EXPECT_FALSE(c.lookup("t", std::nullopt, kNow));
  }
  const std::map<std::string, std::uint64_t> expected{
      {"cache_hit", 1},      {"shared", 0},  {"ok", 1},   {"unauthorized", 1}, {"bad_status", 1},
      {"invalid_answer", 1}, {"timeout", 1}, {"busy", 1}, {"error", 2}};
  for (const auto& [outcome, count] : expected) EXPECT_EQ(added(outcome), count) << outcome;
  EXPECT_NE(metrics::registry().render().find(
                "audible_connect_userinfo_lookups_total{outcome=\"invalid_answer\"}"),
            std::string::npos);
}

TEST_F(UserInfoClientTest, CachesPerTokenForTheTtlButNeverPastExp) {
  fetch_.answer(200, R"({"sub": "u", "subscription_tier": "premium"})");
  auto c = client(60);
  ASSERT_TRUE(c.lookup("a", std::nullopt, kNow));
  ASSERT_TRUE(c.lookup("a", std::nullopt, kNow + 59));
  EXPECT_EQ(fetch_.calls(), 1);
  ASSERT_TRUE(c.lookup("b", std::nullopt, kNow));  // another token: another call
  EXPECT_EQ(fetch_.calls(), 2);
  ASSERT_TRUE(c.lookup("a", std::nullopt, kNow + 60));
  EXPECT_EQ(fetch_.calls(), 3);

  ASSERT_TRUE(c.lookup("short", kNow + 10, kNow));
  ASSERT_TRUE(c.lookup("short", kNow + 10, kNow + 9));
  EXPECT_EQ(fetch_.calls(), 4);
  fetch_.answer(401, "");
  EXPECT_FALSE(c.lookup("short", kNow + 10, kNow + 10));  // asked again, at its exp
  EXPECT_EQ(fetch_.calls(), 5);
}

TEST_F(UserInfoClientTest, FailuresAreNotCachedAndZeroTurnsTheCacheOff) {
  auto c = client(0);
  fetch_.answer(500, "");
  EXPECT_FALSE(c.lookup("a", std::nullopt, kNow));
  fetch_.answer(200, R"({"_id": "m"})");
  EXPECT_EQ(c.lookup("a", std::nullopt, kNow)->id, "m");
  EXPECT_TRUE(c.lookup("a", std::nullopt, kNow));
  EXPECT_EQ(fetch_.calls(), 3);
}

TEST_F(UserInfoClientTest, TheCacheIsBounded) {
  fetch_.answer(200, R"({"sub": "u"})");
  auto c = client(60, 3);
  for (const char* token : {"a", "b", "c", "d"}) ASSERT_TRUE(c.lookup(token, std::nullopt, kNow));
  EXPECT_EQ(fetch_.calls(), 4);
  // d pushed the others out; it is still there.
  ASSERT_TRUE(c.lookup("d", std::nullopt, kNow));
  EXPECT_EQ(fetch_.calls(), 4);
  ASSERT_TRUE(c.lookup("a", std::nullopt, kNow));
  EXPECT_EQ(fetch_.calls(), 5);
}

TEST_F(UserInfoClientTest, ConcurrentLookupsOfOneTokenMakeOneCall) {
  fetch_.answer(200, R"({"sub": "u", "subscription_tier": "family"})");
  auto c = client();
  const auto served_without_a_call = [] { return lookups("shared") + lookups("cache_hit"); };
  const auto before = served_without_a_call();
  fetch_.hold();
  std::vector<std::thread> threads;
  std::atomic<int> families = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto user = c.lookup("same", std::nullopt, kNow);
      if (user && user->subscription_tier == "family") ++families;
    });
  }
  while (fetch_.calls() < 1) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the others queue up
  fetch_.release();
  for (auto& t : threads) t.join();
  EXPECT_EQ(families, 8);
  EXPECT_EQ(fetch_.calls(), 1);
  EXPECT_EQ(served_without_a_call() - before, 7u);  // shared, or from the cache when late
}

TEST_F(UserInfoClientTest, ConcurrentLookupsShareAFailureToo) {
  fetch_.fail(TransportError::kTimeout);
  auto c = client();
  fetch_.hold();
  std::vector<std::thread> threads;
  std::atomic<int> unavailable = 0;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      const auto user = c.lookup("same", std::nullopt, kNow);
      if (!user && user.error() == UserInfoError::kUnavailable) ++unavailable;
    });
  }
  while (fetch_.calls() < 1) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  fetch_.release();
  for (auto& t : threads) t.join();
  EXPECT_EQ(unavailable, 4);
  EXPECT_EQ(fetch_.calls(), 1);
}

}  // namespace
}  // namespace ac
