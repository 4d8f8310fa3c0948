#pragma once

// One token refresh per account at a time (CONTRACT.md section 6): in one process
// (LocalRefreshLock) or across every instance (RedisRefreshLock).
//
// Thread safety: an implementation may be shared between threads without synchronization;
// acquire() blocks (worker threads only). A Held belongs to the thread that acquired it.

#include <expected>
#include <memory>
#include <string>
#include <string_view>

namespace ac {

enum class RefreshLockError {
  kTimeout,      // another holder kept the lock past the wait bound
  kUnavailable,  // the lock's store could not be reached
};

inline std::string_view describe(RefreshLockError error) {
  switch (error) {
    case RefreshLockError::kTimeout:
      return "timed out waiting for the refresh lock";
    case RefreshLockError::kUnavailable:
      return "refresh lock unavailable";
  }
  return "unknown refresh lock error";
}

class RefreshLock {
 public:
  // Releasing it (destruction) lets the next waiter in.
  class Held {
   public:
    virtual ~Held() = default;
  };

  virtual ~RefreshLock() = default;

  // Blocks until the caller holds `user_id`'s lock, or fails after the wait bound.
  virtual std::expected<std::unique_ptr<Held>, RefreshLockError> acquire(
      const std::string& user_id) = 0;
};

}  // namespace ac
