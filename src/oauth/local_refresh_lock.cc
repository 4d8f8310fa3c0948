#include "oauth/local_refresh_lock.h"

#include <algorithm>

namespace ac {

class LocalRefreshLock::LocalHeld final : public RefreshLock::Held {
 public:
  explicit LocalHeld(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  ~LocalHeld() override {
    {
      std::lock_guard lock(gate_->mutex);
      gate_->held = false;
    }
    gate_->opened.notify_one();
  }

 private:
  std::shared_ptr<Gate> gate_;
};

LocalRefreshLock::LocalRefreshLock(std::chrono::milliseconds wait_bound)
    : wait_bound_(wait_bound) {}

std::expected<std::unique_ptr<RefreshLock::Held>, RefreshLockError> LocalRefreshLock::acquire(
    const std::string& user_id) {
  auto gate = gate_for(user_id);
  {
    std::unique_lock lock(gate->mutex);
    if (!gate->opened.wait_for(lock, wait_bound_, [&] { return !gate->held; })) {
      return std::unexpected(RefreshLockError::kTimeout);
    }
    gate->held = true;
  }
  return std::make_unique<LocalHeld>(std::move(gate));
}

std::shared_ptr<LocalRefreshLock::Gate> LocalRefreshLock::gate_for(const std::string& user_id) {
  std::lock_guard guard(map_mutex_);
  if (gates_.size() >= sweep_at_) {
    std::erase_if(gates_, [](const auto& entry) { return entry.second.expired(); });
    sweep_at_ = std::max<std::size_t>(1024, gates_.size() * 2);
  }
  auto& slot = gates_[user_id];
  auto gate = slot.lock();
  if (!gate) {
    gate = std::make_shared<Gate>();
    slot = gate;
  }
  return gate;
}

}  // namespace ac
