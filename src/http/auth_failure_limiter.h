#pragma once

// Failed authentications per client address, in one-minute windows: once an address has had its
// limit of 401s in the current minute, its requests are refused (429) without being verified
// until the minute ends. IPv6 addresses count per /64, the block one host usually holds.
// Kept in memory per instance; stale windows are swept as in MemoryRateLimiter.
//
// Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ac {

class AuthFailureLimiter {
 public:
  explicit AuthFailureLimiter(int limit_per_minute);

  // Seconds until the window ends, when `address` has used up its failures in it.
  std::optional<int> blocked(std::string_view address, std::int64_t now_seconds);

  // Counts one failure; returns how many `address` has had in this window, this one included.
  int record(std::string_view address, std::int64_t now_seconds);

 private:
  struct Window {
    std::int64_t minute = 0;
    int failures = 0;
  };

  const int limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace ac
