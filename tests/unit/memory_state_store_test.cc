#include "oauth/memory_state_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ac {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  MemoryStateStore::Clock::time_point now{};
  std::function<MemoryStateStore::Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

TEST(MemoryStateStore, ConsumeReturnsTheVerifierOnce) {
  MemoryStateStore store(900s);
  const auto verifier = PkceVerifier::generate();
  ASSERT_TRUE(store.put("state-1", "user-1", verifier));
  const auto consumed = store.consume("state-1", "user-1");
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->text(), verifier.text());
  EXPECT_EQ(store.consume("state-1", "user-1").error(), StateError::kUnknown);
}

TEST(MemoryStateStore, EveryRejectionIsAnErrorWithItsOwnReason) {
  FakeClock clock;
  MemoryStateStore store(60s, clock.fn());
  const auto verifier = PkceVerifier::generate();
  store.put("reused", "u", verifier);
  store.put("expired", "u", verifier);
  store.put("other", "someone-else", verifier);
  ASSERT_TRUE(store.consume("reused", "u"));

  EXPECT_EQ(store.consume("never-issued", "u").error(), StateError::kUnknown);
  EXPECT_EQ(store.consume("reused", "u").error(), StateError::kUnknown);
  EXPECT_EQ(store.consume("other", "u").error(), StateError::kWrongUser);
  // A wrong-user attempt uses the state up: the rightful user cannot replay it either.
  EXPECT_EQ(store.consume("other", "someone-else").error(), StateError::kUnknown);

  clock.now += 60s;
  store.put("fresh", "u", verifier);
  EXPECT_EQ(store.consume("expired", "u").error(), StateError::kExpired);
}

TEST(MemoryStateStore, ExpiredEntriesAreForgottenOneTtlLater) {
  FakeClock clock;
  MemoryStateStore store(60s, clock.fn());
  store.put("a", "u", PkceVerifier::generate());
  store.put("b", "u", PkceVerifier::generate());
  clock.now += 60s;
  EXPECT_EQ(store.consume("a", "u").error(), StateError::kExpired);
  clock.now += 60s;
  EXPECT_EQ(store.consume("b", "u").error(), StateError::kUnknown);
}

TEST(MemoryStateStore, KeysByDigestNotByState) {
  MemoryStateStore store(60s);
  store.put("abc", "u", PkceVerifier::generate());
  EXPECT_EQ(store.consume("ABC", "u").error(), StateError::kUnknown);
  EXPECT_EQ(store.consume("abc ", "u").error(), StateError::kUnknown);
  EXPECT_TRUE(store.consume("abc", "u"));
}

TEST(MemoryStateStore, SweepDropsExpiredAndUsedEntries) {
  FakeClock clock;
  MemoryStateStore store(10s, clock.fn());
  for (int i = 0; i < 1000; ++i) store.put("s" + std::to_string(i), "u", PkceVerifier::generate());
  EXPECT_EQ(store.size(), 1000u);
  clock.now += 20s;  // expired, and past the one-TTL memory of expired entries
  // Every shard is swept within kShards calls, whichever shards the calls' own states fall in.
  constexpr int kCalls = MemoryStateStore::kShards;
  for (int i = 0; i < kCalls; ++i) {
    store.put("new" + std::to_string(i), "u", PkceVerifier::generate());
  }
  EXPECT_EQ(store.size(), MemoryStateStore::kShards);
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(store.consume("new" + std::to_string(i), "u"));
  for (int i = 0; i < kCalls; ++i) {
    store.put("newer" + std::to_string(i), "u", PkceVerifier::generate());
  }
  EXPECT_EQ(store.size(), MemoryStateStore::kShards);  // the used entries went with the sweeps
}

TEST(MemoryStateStore, SixtyFourThreadsOneWinner) {
  for (int round = 0; round < 20; ++round) {
    MemoryStateStore store(900s);
    store.put("contended", "u", PkceVerifier::generate());
    std::atomic<int> winners{0};
    std::atomic<int> losers{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 64; ++t) {
      threads.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        if (store.consume("contended", "u")) {
          ++winners;
        } else {
          ++losers;
        }
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(losers.load(), 63);
  }
}

TEST(MemoryStateStore, ManyThreadsPuttingAndConsumingTheirOwnStates) {
  MemoryStateStore store(900s);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string state = std::to_string(t) + ":" + std::to_string(i);
        const std::string user = "user-" + std::to_string(t);
        store.put(state, user, PkceVerifier::generate());
        if (store.consume(state, user)) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 16 * 500);
}

}  // namespace
}  // namespace ac
