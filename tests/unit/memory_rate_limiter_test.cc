// MemoryRateLimiter: the count per key and window, and under many threads at once exactly the
// limit passes (run under ThreadSanitizer by scripts/test.sh).

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "http/rate_limiter.h"

namespace ac {
namespace {

TEST(MemoryRateLimiter, CountsPerKeyAndWindow) {
  MemoryRateLimiter limiter;
  EXPECT_TRUE(limiter.hit("a", 2, 60).allowed);
  EXPECT_TRUE(limiter.hit("a", 2, 61).allowed);
  const auto refused = limiter.hit("a", 2, 75);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 45);
  EXPECT_TRUE(limiter.hit("b", 2, 75).allowed);
  EXPECT_TRUE(limiter.hit("a", 2, 120).allowed) << "a new minute starts a fresh window";
}

TEST(MemoryRateLimiter, ManyThreadsOnOneKeyPassExactlyTheLimit) {
  constexpr int kThreads = 32;
  constexpr int kHitsEach = 200;
  constexpr int kLimit = 1000;
  MemoryRateLimiter limiter;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kHitsEach; ++i) {
        if (limiter.hit("shared", kLimit, 600).allowed) ++allowed;
        // Other keys too, so that the sweep of stale windows runs while others count.
        (void)limiter.hit("own:" + std::to_string(t) + ":" + std::to_string(i), kLimit, 600);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), kLimit);
}

}  // namespace
}  // namespace ac
