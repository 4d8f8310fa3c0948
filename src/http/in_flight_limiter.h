#pragma once

// At most a fixed number of calls in flight per key (a user's provider calls): a caller holds a
// Slot while its call runs, and gets none when the key already has its limit out.
//
// Thread-safe. A Slot must not outlive its limiter.

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ac {

class InFlightLimiter {
 public:
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class InFlightLimiter;
    Slot(InFlightLimiter* limiter, std::string key);
    InFlightLimiter* limiter_;
    std::string key_;
  };

  explicit InFlightLimiter(int limit_per_key);

  std::optional<Slot> try_acquire(std::string_view key);

 private:
  void release(const std::string& key);

  const int limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, int> in_flight_;  // only keys with calls out
};

}  // namespace ac
