#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "crypto/sha256.h"
#include "oauth/state_store.h"

namespace ac {

// One process's pending states. Every entry has the same TTL, so insertion order is expiry order:
// a FIFO of entries lets each call sweep just the expired ones at its front, never the whole map.
// An expired entry is kept for one more TTL, so that the log can tell "expired" from "unknown".
class MemoryStateStore final : public StateStore {
 public:
  using Clock = std::chrono::steady_clock;

  explicit MemoryStateStore(std::chrono::seconds ttl,
                            std::function<Clock::time_point()> now = Clock::now);

  std::expected<void, StateError> put(std::string_view state, std::string_view user_id,
                                      const PkceVerifier& verifier) override;
  std::expected<PkceVerifier, StateError> consume(std::string_view state,
                                                  std::string_view user_id) override;
  bool blocks() const override { return false; }

  // Entries held, used ones included until the sweep reaches them.
  std::size_t size() const;

  // States spread over shards by digest, each with its own lock, map and FIFO: threads rarely
  // meet, and a growing map rehashes a 256th of the entries at a time (with 16 shards, a million
  // pending states made rehashes that held a shard for tens of milliseconds: authorize's p99 at
  // 2 connections was 42 ms). Each call sweeps its own shard and the next one in turn, so every
  // shard is swept within kShards calls.
  static constexpr std::size_t kShards = 256;

 private:
  struct Entry {
    std::string user_id;
    PkceVerifier verifier;
    Clock::time_point expires_at;  // time_point::min() once used
  };
  using Map = std::unordered_map<Sha256Digest, Entry, Sha256DigestHash>;

  struct Shard {
    mutable std::mutex mutex;
    Map entries;
    // Keys of entries in insertion order; pointers to map elements stay valid across rehashing.
    std::deque<const Sha256Digest*> expiry_order;
  };

  struct LockedShard {
    std::unique_lock<std::mutex> lock;
    Shard& shard;
  };
  // The digest's shard, locked, its expired front swept (and the next shard's in turn).
  LockedShard lock_swept_shard(const Sha256Digest& digest, Clock::time_point now);
  void sweep_expired(Shard& shard, Clock::time_point now);
  void sweep_next_shard(Clock::time_point now);

  const std::chrono::seconds ttl_;
  const std::function<Clock::time_point()> now_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> next_sweep_{0};
};

}  // namespace ac
