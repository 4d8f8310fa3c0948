#include "app/shared_state.h"

#include "http/redis_rate_limiter.h"
#include "oauth/local_refresh_lock.h"
#include "oauth/memory_state_store.h"
#include "oauth/redis_refresh_lock.h"
#include "oauth/redis_state_store.h"

namespace ac {
namespace {

// A refresh is one token request: the lock outlives its timeout, so that a live holder keeps it,
// and a waiter waits as long as a holder may take.
std::chrono::milliseconds refresh_lock_ttl(const Settings& settings) {
  return std::chrono::seconds(settings.http.timeout_seconds +
                              settings.http.connect_timeout_seconds + 5);
}

}  // namespace

std::expected<SharedState, std::string> open_shared_state(const Settings& settings) {
  const std::chrono::seconds state_ttl(settings.state_ttl_seconds);
  const auto lock_ttl = refresh_lock_ttl(settings);
  SharedState shared;
  if (!settings.redis) {
    shared.states = std::make_unique<MemoryStateStore>(state_ttl);
    shared.limiter = std::make_unique<MemoryRateLimiter>();
    shared.refresh_lock = std::make_unique<LocalRefreshLock>(lock_ttl);
    return shared;
  }
  // States hold PKCE verifiers, which are encrypted with the token keys before they leave the
  // process; every instance has the same keys.
  if (!settings.token_keys) {
    return std::unexpected(
        "REDIS_URL needs AUDIBLE_TOKEN_ENCRYPTION_KEY: states are encrypted in Redis");
  }
  shared.redis = std::make_shared<RedisClient>(*settings.redis);
  shared.states = std::make_unique<RedisStateStore>(shared.redis, *settings.token_keys, state_ttl);
  if (settings.rate_limit_storage == RateLimitStorage::kRedis) {
    shared.limiter = std::make_unique<RedisRateLimiter>(shared.redis);
  } else {
    shared.limiter = std::make_unique<MemoryRateLimiter>();
  }
  shared.refresh_lock = std::make_unique<RedisRefreshLock>(shared.redis, lock_ttl, lock_ttl);
  return shared;
}

}  // namespace ac
