#include "oauth/local_refresh_lock.h"

#include <algorithm>

namespace ac {
namespace {

class LocalHeld final : public RefreshLock::Held {
 public:
  explicit LocalHeld(std::shared_ptr<std::timed_mutex> mutex) : mutex_(std::move(mutex)) {}
  ~LocalHeld() override { mutex_->unlock(); }

 private:
  std::shared_ptr<std::timed_mutex> mutex_;
};

}  // namespace

LocalRefreshLock::LocalRefreshLock(std::chrono::milliseconds wait_bound)
    : wait_bound_(wait_bound) {}

std::expected<std::unique_ptr<RefreshLock::Held>, RefreshLockError> LocalRefreshLock::acquire(
    const std::string& user_id) {
  auto mutex = mutex_for(user_id);
  if (!mutex->try_lock_for(wait_bound_)) return std::unexpected(RefreshLockError::kTimeout);
  return std::make_unique<LocalHeld>(std::move(mutex));
}

std::shared_ptr<std::timed_mutex> LocalRefreshLock::mutex_for(const std::string& user_id) {
  std::lock_guard guard(map_mutex_);
  if (mutexes_.size() >= sweep_at_) {
    std::erase_if(mutexes_, [](const auto& entry) { return entry.second.expired(); });
    sweep_at_ = std::max<std::size_t>(1024, mutexes_.size() * 2);
  }
  auto& slot = mutexes_[user_id];
  auto mutex = slot.lock();
  if (!mutex) {
    mutex = std::make_shared<std::timed_mutex>();
    slot = mutex;
  }
  return mutex;
}

}  // namespace ac
