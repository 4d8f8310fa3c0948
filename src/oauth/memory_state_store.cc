#include "oauth/memory_state_store.h"

namespace ac {

MemoryStateStore::MemoryStateStore(std::chrono::seconds ttl, std::function<Clock::time_point()> now)
    : ttl_(ttl), now_(std::move(now)) {}

std::expected<void, StateError> MemoryStateStore::put(std::string_view state,
                                                      std::string_view user_id,
                                                      const PkceVerifier& verifier) {
  const auto digest = sha256(state);
  const auto now = now_();
  auto [lock, shard] = lock_swept_shard(digest, now);
  auto [it, inserted] =
      shard.entries.try_emplace(digest, Entry{std::string(user_id), verifier, now + ttl_});
  // A 256-bit random state never repeats; if a caller reuses one, the first entry stands.
  if (inserted) shard.expiry_order.push_back(&it->first);
  return {};
}

std::expected<PkceVerifier, StateError> MemoryStateStore::consume(std::string_view state,
                                                                  std::string_view user_id) {
  const auto digest = sha256(state);
  const auto now = now_();
  auto [lock, shard] = lock_swept_shard(digest, now);
  auto it = shard.entries.find(digest);
  if (it == shard.entries.end() || it->second.expires_at == Clock::time_point::min()) {
    return std::unexpected(StateError::kUnknown);
  }
  Entry& entry = it->second;
  const bool expired = entry.expires_at <= now;
  const bool same_user = entry.user_id == user_id;
  PkceVerifier verifier = entry.verifier;
  // Used up whatever the outcome. The node stays until the sweep reaches its place in the FIFO;
  // only its user id's heap memory is given back now.
  entry.expires_at = Clock::time_point::min();
  entry.verifier = PkceVerifier(std::array<std::uint8_t, 32>{});
  std::string().swap(entry.user_id);
  if (expired) return std::unexpected(StateError::kExpired);
  if (!same_user) return std::unexpected(StateError::kWrongUser);
  return verifier;
}

std::size_t MemoryStateStore::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.entries.size();
  }
  return total;
}

MemoryStateStore::LockedShard MemoryStateStore::lock_swept_shard(const Sha256Digest& digest,
                                                                 Clock::time_point now) {
  sweep_next_shard(now);
  Shard& shard = shards_[digest[31] % kShards];
  std::unique_lock lock(shard.mutex);
  sweep_expired(shard, now);
  return {std::move(lock), shard};
}

void MemoryStateStore::sweep_next_shard(Clock::time_point now) {
  Shard& shard = shards_[next_sweep_.fetch_add(1, std::memory_order_relaxed) % kShards];
  std::lock_guard lock(shard.mutex);
  sweep_expired(shard, now);
}

void MemoryStateStore::sweep_expired(Shard& shard, Clock::time_point now) {
  while (!shard.expiry_order.empty()) {
    const Sha256Digest key = *shard.expiry_order.front();
    auto it = shard.entries.find(key);
    const auto expires_at = it->second.expires_at;
    if (expires_at != Clock::time_point::min() && expires_at + ttl_ > now) break;
    shard.entries.erase(it);
    shard.expiry_order.pop_front();
  }
}

}  // namespace ac
