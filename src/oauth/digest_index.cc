#include "oauth/digest_index.h"

namespace ac {

void DigestIndex::insert(std::uint64_t hash, std::uint64_t seq) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  place({hash, seq});
  ++size_;
}

void DigestIndex::erase(std::uint64_t hash, std::uint64_t seq) {
  if (slots_.empty()) return;
  std::size_t hole = hash & mask();
  while (slots_[hole].seq != seq) {
    if (slots_[hole].seq == kEmpty) return;
    hole = (hole + 1) & mask();
  }
  // Backward shift: each later slot of the run moves into the hole unless its home lies
  // (cyclically) after the hole, so that every entry stays reachable from its home without
  // tombstones.
  for (std::size_t next = (hole + 1) & mask(); slots_[next].seq != kEmpty;
       next = (next + 1) & mask()) {
    const std::size_t home = slots_[next].hash & mask();
    const bool home_after_hole =
        hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (home_after_hole) continue;
    slots_[hole] = slots_[next];
    hole = next;
  }
  slots_[hole] = Slot{};
  --size_;
}

void DigestIndex::place(Slot slot) {
  std::size_t i = slot.hash & mask();
  while (slots_[i].seq != kEmpty) i = (i + 1) & mask();
  slots_[i] = slot;
}

void DigestIndex::grow() {
  std::vector<Slot> old(slots_.empty() ? 16 : slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& slot : old) {
    if (slot.seq != kEmpty) place(slot);
  }
}

}  // namespace ac
