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
  // A 256-bit random state never repeats; if a caller reuses one, the first entry stands.
  if (shard.find(digest) != nullptr) return {};
  shard.index.insert(DigestIndex::hash_of(digest), shard.front_seq + shard.entries.size());
  shard.entries.push_back(Entry{digest, std::string(user_id), verifier, now + ttl_});
  return {};
}

std::expected<PkceVerifier, StateError> MemoryStateStore::consume(std::string_view state,
                                                                  std::string_view user_id) {
  const auto digest = sha256(state);
  const auto now = now_();
  auto [lock, shard] = lock_swept_shard(digest, now);
  Entry* found = shard.find(digest);
  if (found == nullptr || found->expires_at == Clock::time_point::min()) {
    return std::unexpected(StateError::kUnknown);
  }
  Entry& entry = *found;
  const bool expired = entry.expires_at <= now;
  const bool same_user = entry.user_id == user_id;
  PkceVerifier verifier = entry.verifier;
  // Used up whatever the outcome. The entry stays until the sweep reaches its place in the FIFO;
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
  while (!shard.entries.empty()) {
    const Entry& front = shard.entries.front();
    if (front.expires_at != Clock::time_point::min() && front.expires_at + ttl_ > now) break;
    shard.index.erase(DigestIndex::hash_of(front.digest), shard.front_seq);
    shard.entries.pop_front();
    ++shard.front_seq;
  }
}

MemoryStateStore::Entry* MemoryStateStore::Shard::find(const Sha256Digest& digest) {
  const auto seq = index.find(DigestIndex::hash_of(digest), [&](std::uint64_t candidate) {
    return entries[candidate - front_seq].digest == digest;
  });
  return seq ? &entries[*seq - front_seq] : nullptr;
}

}  // namespace ac
