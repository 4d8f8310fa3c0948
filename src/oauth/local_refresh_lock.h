#pragma once

// RefreshLock within one process: one timed mutex per user, kept only while someone holds or
// waits for it. The map holds weak pointers and drops the dead ones once it has doubled since the
// last sweep, so its size follows the users being refreshed. Never kUnavailable.
//
// Thread safety: safe to share between threads without synchronization.

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "oauth/refresh_lock.h"

namespace ac {

class LocalRefreshLock final : public RefreshLock {
 public:
  explicit LocalRefreshLock(std::chrono::milliseconds wait_bound);

  std::expected<std::unique_ptr<Held>, RefreshLockError> acquire(
      const std::string& user_id) override;

 private:
  std::shared_ptr<std::timed_mutex> mutex_for(const std::string& user_id);

  const std::chrono::milliseconds wait_bound_;
  std::mutex map_mutex_;
  std::unordered_map<std::string, std::weak_ptr<std::timed_mutex>> mutexes_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace ac
