#pragma once

// Values kept by the SHA-256 digest of a token until a time of the caller's choosing, at most
// max_entries of them: when full, the expired ones go first, and if none has expired, all go (a
// miss only costs one more verification or lookup). The token itself is never kept.
// Thread-safe.

#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "crypto/sha256.h"

namespace ac {

template <typename Value>
class DigestCache {
 public:
  explicit DigestCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The value, unless there is none or it expired at or before `now`.
  std::optional<Value> find(const Sha256Digest& digest, double now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(digest);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires_at <= now) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  // Keeps `value` until `expires_at`; does nothing when that is not after `now`.
  void insert(const Sha256Digest& digest, Value value, double expires_at, double now) {
    if (expires_at <= now || max_entries_ == 0) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_ && !entries_.contains(digest)) {
      std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires_at <= now; });
      if (entries_.size() >= max_entries_) entries_.clear();
    }
    entries_.insert_or_assign(digest, Entry{std::move(value), expires_at});
  }

 private:
  struct Entry {
    Value value;
    double expires_at;
  };
  const std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<Sha256Digest, Entry, Sha256DigestHash> entries_;
};

}  // namespace ac
