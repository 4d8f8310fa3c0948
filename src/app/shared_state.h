#pragma once

// What the instances of one deployment share besides the database (CONTRACT.md sections 5 and 6),
// opened in one place like the stores: pending OAuth states, rate limits and the refresh lock,
// in Redis when REDIS_URL is set and in this process otherwise. With Redis there is no quiet
// fallback for states or locks (another instance could not see them); rate limits fall back to
// local counting while Redis is away (RedisRateLimiter).

#include <expected>
#include <memory>
#include <string>

#include "config/settings.h"
#include "http/rate_limiter.h"
#include "oauth/refresh_lock.h"
#include "oauth/state_store.h"
#include "redis/redis_client.h"

namespace ac {

struct SharedState {
  std::shared_ptr<RedisClient> redis;  // null without REDIS_URL
  std::unique_ptr<StateStore> states;
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<RefreshLock> refresh_lock;
};

// The error is one line naming the variable at fault.
std::expected<SharedState, std::string> open_shared_state(const Settings& settings);

}  // namespace ac
