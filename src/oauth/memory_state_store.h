#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "crypto/sha256.h"
#include "oauth/digest_index.h"
#include "oauth/state_store.h"

namespace ac {

// One process's pending states. Every entry has the same TTL, so insertion order is expiry order:
// entries live in a FIFO, each call sweeps just the expired ones at its front, and a hash index
// of their digests finds an entry by its place in the FIFO. An expired entry is kept for one more
// TTL, so that the log can tell "expired" from "unknown".
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

  // States spread over shards by digest, each with its own lock, index and FIFO: threads rarely
  // meet, and a growing index rehashes a 256th of the entries at a time (with 16 shards and a
  // node-based map, a million pending states made rehashes that held a shard for tens of
  // milliseconds: authorize's p99 at 2 connections was 42 ms). Each call sweeps its own shard and
  // the next one in turn, so every shard is swept within kShards calls.
  static constexpr std::size_t kShards = 256;

 private:
  struct Entry {
    Sha256Digest digest;
    std::string user_id;
    PkceVerifier verifier;
    Clock::time_point expires_at;  // time_point::min() once used
  };

  struct Shard {
    mutable std::mutex mutex;
    std::deque<Entry> entries;    // in insertion order, which is expiry order
    std::uint64_t front_seq = 1;  // the sequence number of entries.front(); never 0
    DigestIndex index;            // digest -> sequence number

    Entry* find(const Sha256Digest& digest);
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
