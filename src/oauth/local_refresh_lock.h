#pragma once

// RefreshLock within one process: one gate per user (a flag under a mutex, waited for on a
// condition variable), kept only while someone holds or waits for it. The map holds weak pointers
// and drops the dead ones once it has doubled since the last sweep, so its size follows the users
// being refreshed. Never kUnavailable.
//
// Thread safety: safe to share between threads without synchronization.

#include <chrono>
#include <condition_variable>
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
  // Not std::timed_mutex: its timed wait (pthread_mutex_clocklock) is invisible to g++ 12's
  // ThreadSanitizer, which then reports every release as an unlock of an unlocked mutex.
  struct Gate {
    std::mutex mutex;
    std::condition_variable opened;
    bool held = false;
  };
  class LocalHeld;
  std::shared_ptr<Gate> gate_for(const std::string& user_id);

  const std::chrono::milliseconds wait_bound_;
  std::mutex map_mutex_;
  std::unordered_map<std::string, std::weak_ptr<Gate>> gates_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace ac
