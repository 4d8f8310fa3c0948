#include "http/in_flight_limiter.h"

#include <utility>

namespace ac {

InFlightLimiter::Slot::Slot(InFlightLimiter* limiter, std::string key)
    : limiter_(limiter), key_(std::move(key)) {}

InFlightLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), key_(std::move(other.key_)) {}

InFlightLimiter::Slot& InFlightLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (limiter_ != nullptr) limiter_->release(key_);
    limiter_ = std::exchange(other.limiter_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

InFlightLimiter::Slot::~Slot() {
  if (limiter_ != nullptr) limiter_->release(key_);
}

InFlightLimiter::InFlightLimiter(int limit_per_key) : limit_(limit_per_key) {}

std::optional<InFlightLimiter::Slot> InFlightLimiter::try_acquire(std::string_view key) {
  std::string owned(key);
  std::lock_guard lock(mutex_);
  int& count = in_flight_[owned];
  if (count >= limit_) return std::nullopt;
  ++count;
  return Slot(this, std::move(owned));
}

void InFlightLimiter::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = in_flight_.find(key);
  if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
}

}  // namespace ac
