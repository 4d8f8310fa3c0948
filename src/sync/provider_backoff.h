#pragma once

// The provider's "slow down" (429, with or without Retry-After), shared: the Audible API clients
// report every 429 here, and the background sync waits until the back-off is over before it
// takes another account, so one throttled call slows the whole loop and not just one account.
// Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace ac {

// Without a Retry-After, and the longest a Retry-After is taken at its word.
inline constexpr std::chrono::milliseconds kDefaultProviderBackoff{5'000};
inline constexpr std::chrono::milliseconds kMaxProviderBackoff{300'000};

class ProviderBackoff {
 public:
  using Clock = std::chrono::steady_clock;

  // A 429 came back; `retry_after` is what the provider asked for, if anything.
  void throttled(std::optional<std::chrono::milliseconds> retry_after);
  // When the back-off ends (in the past when there is none).
  Clock::time_point resume_at() const;
  // 429s so far: a sync during which this moved was slowed down, not failed.
  std::uint64_t throttle_count() const { return count_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  Clock::time_point resume_at_{};
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace ac
