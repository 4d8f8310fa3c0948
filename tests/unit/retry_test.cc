#include "net/retry.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

using namespace std::chrono_literals;

TEST(Retry, RetryAfterInSeconds) {
  EXPECT_EQ(parse_retry_after("0", 0), 0ms);
  EXPECT_EQ(parse_retry_after(" 7 ", 0), 7000ms);
  EXPECT_FALSE(parse_retry_after("-3", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("1.5", 0));
}

TEST(Retry, RetryAfterAsHttpDate) {
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770), 7000ms);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111999), 0ms);  // past
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", 0));
  EXPECT_FALSE(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT trailing", 0));
}

TEST(Retry, DelayHonoursTheServerUpToTheCap) {
  const RetryPolicy policy{3, 200ms, 10'000ms};
  EXPECT_EQ(retry_delay(policy, 1, 1500ms), 1500ms);
  EXPECT_EQ(retry_delay(policy, 1, 3600'000ms), 10'000ms);
}

TEST(Retry, BackoffIsJitteredBelowAGrowingCeiling) {
  const RetryPolicy policy{3, 100ms, 1'000ms};
  for (int attempt = 1; attempt <= 6; ++attempt) {
    const auto ceiling = std::min(1'000ms, 100ms * (1 << (attempt - 1)));
    std::set<long> seen;
    for (int i = 0; i < 200; ++i) {
      const auto delay = retry_delay(policy, attempt, std::nullopt);
      ASSERT_GE(delay, 0ms);
      ASSERT_LE(delay, ceiling);
      seen.insert(delay.count());
    }
    EXPECT_GT(seen.size(), 10u);  // jittered, not fixed
  }
}

TEST(Retry, WhichStatusesAreRetried) {
  for (long status : {429L, 500L, 502L, 503L, 504L, 599L}) EXPECT_TRUE(is_retryable_status(status));
  for (long status : {200L, 301L, 400L, 401L, 403L, 404L, 600L})
    EXPECT_FALSE(is_retryable_status(status));
}

}  // namespace
}  // namespace ac
