#pragma once

// An open-addressing hash index (linear probing, backward-shift deletion) from a SHA-256 digest's
// first 8 bytes to a sequence number. It stores no digests: a lookup offers each candidate's
// sequence number to the caller, who compares the digest where the entry lives. Slots are 16
// bytes in one array, so a lookup in a large table costs one cache miss, where a node-based map
// costs one per bucket, per node in the chain and per rehashed node.

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "crypto/sha256.h"

namespace ac {

class DigestIndex {
 public:
  static std::uint64_t hash_of(const Sha256Digest& digest) {
    std::uint64_t hash;
    std::memcpy(&hash, digest.data(), sizeof hash);
    return hash;
  }

  // The sequence number of the entry with this hash for which `is_it(seq)` holds.
  template <class IsIt>
  std::optional<std::uint64_t> find(std::uint64_t hash, IsIt&& is_it) const {
    if (slots_.empty()) return std::nullopt;
    for (std::size_t i = hash & mask(); slots_[i].seq != kEmpty; i = (i + 1) & mask()) {
      if (slots_[i].hash == hash && is_it(slots_[i].seq)) return slots_[i].seq;
    }
    return std::nullopt;
  }

  // Adds `seq` (never 0) under `hash`; the caller has checked that no entry is the same.
  void insert(std::uint64_t hash, std::uint64_t seq);
  // Removes `seq`, added under `hash`.
  void erase(std::uint64_t hash, std::uint64_t seq);

  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint64_t kEmpty = 0;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t seq = kEmpty;
  };
  std::size_t mask() const { return slots_.size() - 1; }
  void place(Slot slot);
  void grow();

  std::vector<Slot> slots_;  // a power of two long, at most half full
  std::size_t size_ = 0;
};

}  // namespace ac
