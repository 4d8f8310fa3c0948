#pragma once

// Per-key request limits per minute, in fixed one-minute windows (what the seeds' limiter did).

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ac {

struct RateDecision {
  bool allowed = true;
  int retry_after_seconds = 0;  // when refused: until the window ends
};

// Thread-safe. Keys are stable names ("authorize:USER"), since instances of different versions
// may share them.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one request under `key` and says whether it is within `limit_per_minute`.
  virtual RateDecision hit(std::string_view key, int limit_per_minute,
                           std::int64_t now_seconds) = 0;
  // Whether hit() may wait on the network, so that callers keep it off the I/O threads.
  virtual bool blocks() const { return true; }
};

// One process's counters. Stale windows are dropped once the map has doubled since the last
// sweep, so memory follows the number of keys active in the current minute.
class MemoryRateLimiter final : public RateLimiter {
 public:
  RateDecision hit(std::string_view key, int limit_per_minute, std::int64_t now_seconds) override;
  bool blocks() const override { return false; }

 private:
  struct Window {
    std::int64_t minute = 0;
    int count = 0;
  };
  std::mutex mutex_;
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  // Transparent, so that a lookup of a known key allocates nothing.
  std::unordered_map<std::string, Window, KeyHash, std::equal_to<>> windows_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace ac
