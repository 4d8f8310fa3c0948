#pragma once

// RefreshLock across instances: SET "ac:refresh-lock:" + user_id to a random 128-bit owner id with
// NX PX ttl, polled every 20-50 ms (with jitter) until it is taken or the wait bound has passed
// (kTimeout). Only its owner releases it, with a compare-and-delete script, so a holder that
// outlived its ttl never deletes its successor's lock; a holder that died leaves a lock that
// expires after ttl. The ttl must therefore exceed the longest refresh (the provider's timeout).
// A Redis that cannot be reached is kUnavailable.
//
// Thread safety: safe to share between threads without synchronization; acquire() blocks.

#include <chrono>
#include <memory>

#include "oauth/refresh_lock.h"
#include "redis/redis_client.h"

namespace ac {

class RedisRefreshLock final : public RefreshLock {
 public:
  RedisRefreshLock(std::shared_ptr<RedisClient> client, std::chrono::milliseconds ttl,
                   std::chrono::milliseconds wait_bound);

  std::expected<std::unique_ptr<Held>, RefreshLockError> acquire(
      const std::string& user_id) override;

 private:
  const std::shared_ptr<RedisClient> client_;
  const std::string ttl_ms_;
  const std::chrono::milliseconds wait_bound_;
};

}  // namespace ac
