#include "http/rate_limiter.h"

#include <algorithm>

namespace ac {

RateDecision MemoryRateLimiter::hit(std::string_view key, int limit_per_minute,
                                    std::int64_t now_seconds) {
  const std::int64_t minute = now_seconds / 60;
  std::lock_guard lock(mutex_);
  if (windows_.size() >= sweep_at_) {
    std::erase_if(windows_, [&](const auto& entry) { return entry.second.minute != minute; });
    sweep_at_ = std::max<std::size_t>(1024, windows_.size() * 2);
  }
  auto it = windows_.find(key);
  if (it == windows_.end()) it = windows_.emplace(std::string(key), Window{}).first;
  Window& window = it->second;
  if (window.minute != minute) window = Window{minute, 0};
  if (window.count >= limit_per_minute) {
    return RateDecision{false, static_cast<int>(60 - now_seconds % 60)};
  }
  ++window.count;
  return RateDecision{};
}

}  // namespace ac
