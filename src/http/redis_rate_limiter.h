#pragma once

// Rate limits in Redis, shared by every instance (AUDIBLE_RATE_LIMIT_STORAGE=redis), with the
// fixed one-minute windows and Retry-After of MemoryRateLimiter. One Lua script increments
// "ac:rl:" + key + ":" + minute and sets its expiry, atomically, and returns the count. While
// Redis cannot be reached, the limits are enforced by an in-process MemoryRateLimiter: never open,
// never a failed request. Each such decision counts in audible_rate_limit_fallback_total; the log
// says once that the fallback began and once that Redis is back.
//
// Thread safety: safe to share between threads without synchronization; hit() blocks on Redis
// (worker threads only).

#include <atomic>
#include <memory>

#include "http/rate_limiter.h"
#include "redis/redis_client.h"

namespace ac {

class RedisRateLimiter final : public RateLimiter {
 public:
  explicit RedisRateLimiter(std::shared_ptr<RedisClient> client);

  RateDecision hit(std::string_view key, int limit_per_minute, std::int64_t now_seconds) override;

 private:
  RateDecision fall_back(std::string_view reason, std::string_view key, int limit_per_minute,
                         std::int64_t now_seconds);

  const std::shared_ptr<RedisClient> client_;
  MemoryRateLimiter fallback_;
  std::atomic<bool> falling_back_{false};
};

}  // namespace ac
