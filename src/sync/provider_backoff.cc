#include "sync/provider_backoff.h"

#include <algorithm>

#include "obs/metrics.h"

namespace ac {

void ProviderBackoff::throttled(std::optional<std::chrono::milliseconds> retry_after) {
  const auto wait = std::clamp(retry_after.value_or(kDefaultProviderBackoff),
                               std::chrono::milliseconds(0), kMaxProviderBackoff);
  {
    std::lock_guard lock(mutex_);
    resume_at_ = std::max(resume_at_, Clock::now() + wait);
  }
  count_.fetch_add(1, std::memory_order_release);
  metrics::registry().api_throttled_total.inc();
}

ProviderBackoff::Clock::time_point ProviderBackoff::resume_at() const {
  std::lock_guard lock(mutex_);
  return resume_at_;
}

}  // namespace ac
