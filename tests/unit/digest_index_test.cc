#include "oauth/digest_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace ac {
namespace {

// Against a std::map, with hashes whose homes are the first and last 32 slots of the table: one
// long probe run that wraps around the end, and erasures in its middle, which the backward shift
// must repair on both sides of the wrap.
TEST(DigestIndex, AgreesWithAMapUnderCollisionsGrowthAndErasure) {
  std::mt19937_64 random(12345);
  DigestIndex index;
  std::map<std::uint64_t, std::uint64_t> model;  // seq -> hash
  std::uint64_t next_seq = 1;
  for (int step = 0; step < 20000; ++step) {
    const bool add = random() % 100 < (model.size() < 300 ? 60 : 40);
    if (add || model.empty()) {
      const std::uint64_t low = random() % 32;
      const std::uint64_t hash = random() % 2 ? low : ~low;
      index.insert(hash, next_seq);
      model[next_seq++] = hash;
    } else {
      auto victim = model.begin();
      std::advance(victim, static_cast<long>(random() % model.size()));
      index.erase(victim->second, victim->first);
      model.erase(victim);
    }
    if (step % 50 == 0) {
      ASSERT_EQ(index.size(), model.size());
      for (const auto& [seq, hash] : model) {
        const auto found =
            index.find(hash, [&](std::uint64_t candidate) { return candidate == seq; });
        ASSERT_EQ(found, std::optional<std::uint64_t>(seq)) << "step " << step;
      }
    }
  }
}

TEST(DigestIndex, FindOffersOnlyCandidatesWithTheSameHash) {
  DigestIndex index;
  index.insert(7, 1);
  index.insert(7 + 16, 2);  // the same home slot in a 16-slot table, another hash
  index.insert(7, 3);
  std::vector<std::uint64_t> offered;
  const auto found = index.find(7, [&](std::uint64_t seq) {
    offered.push_back(seq);
    return seq == 3;
  });
  EXPECT_EQ(found, std::optional<std::uint64_t>(3));
  EXPECT_EQ(offered, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_FALSE(index.find(8, [](std::uint64_t) { return true; }));
  index.erase(7, 1);
  EXPECT_FALSE(index.find(7, [](std::uint64_t seq) { return seq == 1; }));
  EXPECT_TRUE(index.find(7 + 16, [](std::uint64_t seq) { return seq == 2; }));
}

}  // namespace
}  // namespace ac
