// JwksSource: parsing a JWKS, Cache-Control, when it fetches again, generations, single flight.

#include "auth/jwks.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "fake_fetch.h"
#include "jwt_test_keys.h"

namespace ac {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::string jwks(std::initializer_list<nlohmann::json> keys) {
  return nlohmann::json{{"keys", keys}}.dump();
}

TEST(Jwks, ParsesRsaAndP256KeysAndSkipsTheRest) {
  const auto rsa = testing::TestKey::rsa();
  const auto ec = testing::TestKey::p256();
  auto other_curve = ec.jwk("p384");
  other_curve["crv"] = "P-384";
  auto encryption = rsa.jwk("enc");
  encryption["use"] = "enc";
  auto lying_alg = rsa.jwk("lie");
  lying_alg["alg"] = "ES256";
  const auto keys = parse_jwks(jwks({rsa.jwk("r"),
                                     ec.jwk("e"),
                                     {{"kty", "oct"}, {"kid", "s"}, {"k", "c2VjcmV0"}},
                                     other_curve,
                                     encryption,
                                     lying_alg,
                                     {{"kty", "RSA"}}}));
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid(), "r");
  EXPECT_EQ((*keys)[0].type(), KeyType::kRsa);
  EXPECT_EQ((*keys)[1].kid(), "e");
  EXPECT_EQ((*keys)[1].type(), KeyType::kEcP256);
  EXPECT_FALSE(parse_jwks("<html>"));
  EXPECT_FALSE(parse_jwks(R"({"keys": {}})"));
  EXPECT_FALSE(parse_jwks("[]"));
}

TEST(Jwks, CacheControlMaxAge) {
  EXPECT_EQ(cache_max_age("public, max-age=600"), 600);
  EXPECT_EQ(cache_max_age("Max-Age=5, must-revalidate"), 5);
  EXPECT_EQ(cache_max_age("no-store"), 0);
  EXPECT_EQ(cache_max_age("max-age=600, no-cache"), 0);
  EXPECT_FALSE(cache_max_age("public"));
  EXPECT_FALSE(cache_max_age("max-age=soon"));
  EXPECT_FALSE(cache_max_age(""));
}

class JwksSourceTest : public ::testing::Test {
 protected:
  void serve(std::initializer_list<nlohmann::json> keys, std::string cache_control = "") {
    HeaderList headers;
    if (!cache_control.empty()) headers.emplace_back("cache-control", cache_control);
    fetch_.answer(200, jwks(keys), headers);
  }

  testing::TestKey a_ = testing::TestKey::rsa();
  testing::TestKey b_ = testing::TestKey::p256();
  testing::FakeFetch fetch_;
  JwksSource source_{"https://idp.example/jwks", fetch_.function()};
};

TEST_F(JwksSourceTest, KeepsKeysForMaxAgeThenFetchesAgain) {
  serve({a_.jwk("a")}, "max-age=120");
  ASSERT_TRUE(source_.refresh(kNow));
  EXPECT_EQ(fetch_.last_request().url, "https://idp.example/jwks");
  const auto first = source_.keys(kNow + 119);
  ASSERT_TRUE(first && first->find("a"));
  EXPECT_EQ(first->generation, 1u);
  EXPECT_EQ(fetch_.calls(), 1);

  serve({a_.jwk("a"), b_.jwk("b")}, "max-age=120");
  const auto second = source_.keys(kNow + 120);
  EXPECT_EQ(fetch_.calls(), 2);
  ASSERT_TRUE(second->find("b"));
  EXPECT_EQ(second->generation, 2u);
  EXPECT_TRUE(first->find("a"));  // a reader's set never changes under it

  // The same keys again: the same generation, so verified tokens stay verified.
  EXPECT_EQ(source_.keys(kNow + 240)->generation, 2u);
  EXPECT_EQ(fetch_.calls(), 3);
}

TEST_F(JwksSourceTest, WithoutCacheControlKeysLastFiveMinutes) {
  serve({a_.jwk("a")});
  ASSERT_TRUE(source_.refresh(kNow));
  source_.keys(kNow + JwksSource::kDefaultMaxAgeSeconds - 1);
  EXPECT_EQ(fetch_.calls(), 1);
  source_.keys(kNow + JwksSource::kDefaultMaxAgeSeconds);
  EXPECT_EQ(fetch_.calls(), 2);
}

TEST_F(JwksSourceTest, UnknownKidFetchesAtMostOncePer30Seconds) {
  serve({a_.jwk("a")});
  ASSERT_TRUE(source_.refresh(kNow));
  serve({a_.jwk("a"), b_.jwk("b")});
  EXPECT_FALSE(source_.keys_after_unknown_kid(kNow + 29)->find("b"));
  EXPECT_EQ(fetch_.calls(), 1);
  EXPECT_TRUE(source_.keys_after_unknown_kid(kNow + 30)->find("b"));
  EXPECT_EQ(fetch_.calls(), 2);
  for (int i = 0; i < 20; ++i) source_.keys_after_unknown_kid(kNow + 31 + i);
  EXPECT_EQ(fetch_.calls(), 2);
  source_.keys_after_unknown_kid(kNow + 60);
  EXPECT_EQ(fetch_.calls(), 3);
}

TEST_F(JwksSourceTest, AFailedFetchKeepsTheKeysAndWaits30Seconds) {
  serve({a_.jwk("a")}, "max-age=10");
  ASSERT_TRUE(source_.refresh(kNow));
  fetch_.answer(500, "oops");
  EXPECT_TRUE(source_.keys(kNow + 10)->find("a"));
  EXPECT_EQ(fetch_.calls(), 2);
  EXPECT_TRUE(source_.keys(kNow + 39)->find("a"));
  EXPECT_EQ(fetch_.calls(), 2);
  fetch_.answer(200, "<html>not json</html>");
  EXPECT_TRUE(source_.keys(kNow + 40)->find("a"));
  EXPECT_EQ(fetch_.calls(), 3);
  fetch_.fail(TransportError::kTimeout);
  EXPECT_TRUE(source_.keys(kNow + 70)->find("a"));
  EXPECT_EQ(fetch_.calls(), 4);
  serve({b_.jwk("b")}, "max-age=10");
  const auto keys = source_.keys(kNow + 100);
  EXPECT_FALSE(keys->find("a"));
  EXPECT_TRUE(keys->find("b"));
}

TEST_F(JwksSourceTest, NoKeysUntilAFetchSucceeds) {
  fetch_.fail(TransportError::kConnect);
  EXPECT_FALSE(source_.refresh(kNow));
  EXPECT_EQ(source_.keys(kNow + 1), nullptr);
  EXPECT_EQ(fetch_.calls(), 1);
  serve({a_.jwk("a")});
  EXPECT_NE(source_.keys(kNow + 30), nullptr);
  EXPECT_EQ(fetch_.calls(), 2);
}

TEST_F(JwksSourceTest, StaleKeysAreFetchedOnceWhileOthersGoOnWithTheOldOnes) {
  serve({a_.jwk("a")}, "max-age=60");
  ASSERT_TRUE(source_.refresh(kNow));
  fetch_.hold();
  std::thread fetcher([&] { source_.keys(kNow + 60); });
  while (fetch_.calls() < 2) std::this_thread::yield();
  // While that fetch hangs, other callers get the stale keys at once.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(source_.keys(kNow + 61)->find("a"));
  fetch_.release();
  fetcher.join();
  EXPECT_EQ(fetch_.calls(), 2);
}

TEST_F(JwksSourceTest, ConcurrentUnknownKidsMakeOneFetch) {
  serve({a_.jwk("a")});
  ASSERT_TRUE(source_.refresh(kNow));
  serve({a_.jwk("a"), b_.jwk("b")});
  std::vector<std::thread> threads;
  std::atomic<int> found = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (source_.keys_after_unknown_kid(kNow + 30)->find("b")) ++found;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found, 8);
  EXPECT_EQ(fetch_.calls(), 2);
}

}  // namespace
}  // namespace ac
