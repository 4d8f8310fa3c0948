#include "http/redis_rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>

#include "obs/log.h"
#include "obs/metrics.h"
#include "redis_test_server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using redis_test::fixture_client;
using redis_test::unique;

// A minute's second 15, in a minute no other run uses (the keys carry the minute).
std::int64_t second_15() {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  return now - now % 60 + 15;
}

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(RedisRateLimiter, TwoInstancesShareOneCount) {
  RedisRateLimiter first(fixture_client());
  RedisRateLimiter second(fixture_client());
  const std::string key = unique("authorize:user-");
  const auto now = second_15();
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE((i % 2 ? first : second).hit(key, 10, now).allowed) << i;
  }
  const auto refused = first.hit(key, 10, now + 1);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 44);
  EXPECT_FALSE(second.hit(key, 10, now + 2).allowed);
  // Another key has its own count.
  EXPECT_TRUE(second.hit(key + "x", 10, now).allowed);
}

TEST(RedisRateLimiter, RetryAfterRunsToTheEndOfTheWindow) {
  RedisRateLimiter limiter(fixture_client());
  const std::string key = unique("callback:user-");
  const auto minute_start = second_15() - 15;
  EXPECT_TRUE(limiter.hit(key, 1, minute_start).allowed);
  EXPECT_EQ(limiter.hit(key, 1, minute_start).retry_after_seconds, 60);
  EXPECT_EQ(limiter.hit(key, 1, minute_start + 59).retry_after_seconds, 1);
}

TEST(RedisRateLimiter, ANewMinuteStartsAFreshWindow) {
  RedisRateLimiter limiter(fixture_client());
  const std::string key = unique("search:user-");
  const auto now = second_15();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.hit(key, 3, now).allowed);
  EXPECT_FALSE(limiter.hit(key, 3, now + 44).allowed);
  EXPECT_TRUE(limiter.hit(key, 3, now + 45).allowed);
}

TEST(RedisRateLimiter, WindowKeysExpire) {
  auto client = fixture_client();
  RedisRateLimiter limiter(client);
  const std::string key = unique("general:user-");
  const auto now = second_15();
  limiter.hit(key, 5, now);
  const auto ttl = client->command({"TTL", "ac:rl:" + key + ":" + std::to_string(now / 60)});
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer, 60);
  EXPECT_LE(ttl->integer, 120);
}

TEST(RedisRateLimiter, FallsBackToMemoryWhileRedisIsDownThenReturns) {
  redis_test::PrivateRedis server;
  auto client = std::make_shared<RedisClient>(redis_test::loopback_url(server.port()));
  RedisRateLimiter limiter(client);
  auto& fallbacks = metrics::registry().rate_limit_fallback_total;
  const auto now = second_15();
  const std::string minute = std::to_string(now / 60);

  ASSERT_TRUE(limiter.hit("authorize:before", 3, now).allowed);
  EXPECT_EQ(client->command({"GET", "ac:rl:authorize:before:" + minute})->text, "1");

  server.stop();
  const auto fallbacks_before = fallbacks.value();
  ::testing::internal::CaptureStdout();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.hit("authorize:during", 3, now).allowed);
  for (int i = 0; i < 5; ++i) {
    const auto refused = limiter.hit("authorize:during", 3, now);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after_seconds, 45);
  }
  EXPECT_EQ(fallbacks.value() - fallbacks_before, 8u);

  server.start();
  const auto back = std::chrono::steady_clock::now();
  const std::string after_key = "ac:rl:authorize:after:" + minute;
  auto counted_in_redis = [&] {
    const auto reply = client->command({"EXISTS", after_key});
    return reply && reply->integer == 1;
  };
  while (std::chrono::steady_clock::now() - back < 5s) {
    EXPECT_TRUE(limiter.hit("authorize:after", 1000, now).allowed);
    if (counted_in_redis()) break;
    std::this_thread::sleep_for(20ms);
  }
  log::flush();  // lines are written by the log's own thread
  const std::string log = ::testing::internal::GetCapturedStdout();
  EXPECT_TRUE(counted_in_redis());
  EXPECT_LT(std::chrono::steady_clock::now() - back, 5s);
  EXPECT_EQ(count(log, "rate limiter falling back to memory"), 1u) << log;
  EXPECT_EQ(count(log, "rate limiter back on redis"), 1u) << log;
}

}  // namespace
}  // namespace ac
