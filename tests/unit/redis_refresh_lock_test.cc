#include "oauth/redis_refresh_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "oauth/local_refresh_lock.h"
#include "obs/log.h"
#include "redis_test_server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using redis_test::fixture_client;
using redis_test::unique;
using Clock = std::chrono::steady_clock;

// `threads` threads take turns on one user's lock, spread over the given locks (instances); no
// two may be inside at once.
void expect_mutual_exclusion(std::vector<RefreshLock*> locks, int threads, int rounds) {
  const std::string user = unique("user-");
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> acquired{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        auto held = locks[t % locks.size()]->acquire(user);
        if (!held) continue;
        ++acquired;
        if (inside.fetch_add(1) != 0) ++overlaps;
        std::this_thread::sleep_for(2ms);
        inside.fetch_sub(1);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(acquired, threads * rounds);
}

TEST(RedisRefreshLock, OneHolderAtATimeAcrossInstances) {
  RedisRefreshLock first(fixture_client(), 5s, 20s);
  RedisRefreshLock second(fixture_client(), 5s, 20s);
  expect_mutual_exclusion({&first, &second}, 6, 5);
}

TEST(RedisRefreshLock, ReleasingLetsTheNextOneInAtOnce) {
  auto client = fixture_client();
  RedisRefreshLock lock(client, 5s, 0ms);
  const std::string user = unique("user-");
  auto held = lock.acquire(user);
  ASSERT_TRUE(held);
  EXPECT_EQ(lock.acquire(user).error(), RefreshLockError::kTimeout);
  held->reset();
  EXPECT_TRUE(client->command({"GET", "ac:refresh-lock:" + user})->is_nil());
  EXPECT_TRUE(lock.acquire(user));
}

TEST(RedisRefreshLock, TimesOutAfterTheWaitBound) {
  RedisRefreshLock holder(fixture_client(), 5s, 1s);
  RedisRefreshLock waiter(fixture_client(), 5s, 200ms);
  const std::string user = unique("user-");
  auto held = holder.acquire(user);
  ASSERT_TRUE(held);
  const auto start = Clock::now();
  const auto waited = waiter.acquire(user);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error(), RefreshLockError::kTimeout);
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 1s);
  // Other users are not blocked.
  EXPECT_TRUE(waiter.acquire(user + "-other"));
}

TEST(RedisRefreshLock, OnlyTheOwnerReleases) {
  auto client = fixture_client();
  RedisRefreshLock lock(client, 5s, 1s);
  const std::string user = unique("user-");
  const std::string key = "ac:refresh-lock:" + user;
  auto held = lock.acquire(user);
  ASSERT_TRUE(held);
  // As if our lock had expired and another instance had taken it.
  ASSERT_TRUE(client->command({"SET", key, "another-owner", "PX", "5000"})->is_status("OK"));
  held->reset();
  EXPECT_EQ(client->command({"GET", key})->text, "another-owner");
  client->command({"DEL", key});
}

TEST(RedisRefreshLock, ADeadHoldersLockExpires) {
  auto client = fixture_client();
  RedisRefreshLock lock(client, 5s, 3s);
  const std::string user = unique("user-");
  ASSERT_TRUE(
      client->command({"SET", "ac:refresh-lock:" + user, "dead", "PX", "300"})->is_status("OK"));
  const auto start = Clock::now();
  EXPECT_TRUE(lock.acquire(user));
  EXPECT_GE(Clock::now() - start, 250ms);
}

TEST(RedisRefreshLock, TheLockCarriesItsTtl) {
  auto client = fixture_client();
  RedisRefreshLock lock(client, 4s, 1s);
  const std::string user = unique("user-");
  auto held = lock.acquire(user);
  ASSERT_TRUE(held);
  const auto ttl = client->command({"PTTL", "ac:refresh-lock:" + user});
  EXPECT_GT(ttl->integer, 3000);
  EXPECT_LE(ttl->integer, 4000);
}

TEST(RedisRefreshLock, AnUnreachableRedisIsUnavailable) {
  RedisRefreshLock lock(
      std::make_shared<RedisClient>(redis_test::loopback_url(redis_test::unused_port())), 5s, 1s);
  EXPECT_EQ(lock.acquire("user").error(), RefreshLockError::kUnavailable);
}

TEST(RedisRefreshLock, AReleaseThatCannotReachRedisIsLoggedAndLeftToTheTtl) {
  redis_test::PrivateRedis server;
  RedisRefreshLock lock(std::make_shared<RedisClient>(redis_test::loopback_url(server.port())), 5s,
                        1s);
  auto held = lock.acquire(unique("user-"));
  ASSERT_TRUE(held);
  server.stop();
  ::testing::internal::CaptureStdout();
  held->reset();  // no exception, no crash: the lock would expire after its ttl
  log::flush();   // lines are written by the log's own thread
  const std::string log = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(log.find("refresh lock release failed"), std::string::npos) << log;
}

TEST(LocalRefreshLock, OneHolderAtATime) {
  LocalRefreshLock lock(20s);
  expect_mutual_exclusion({&lock}, 8, 10);
}

TEST(LocalRefreshLock, UsersDoNotWaitForEachOther) {
  LocalRefreshLock lock(0ms);
  auto first = lock.acquire("user-1");
  ASSERT_TRUE(first);
  EXPECT_TRUE(lock.acquire("user-2"));
  // From another thread: a thread must not lock a mutex it already holds.
  std::thread([&] {
    EXPECT_EQ(lock.acquire("user-1").error(), RefreshLockError::kTimeout);
  }).join();
  first->reset();
  EXPECT_TRUE(lock.acquire("user-1"));
}

TEST(LocalRefreshLock, TimesOutAfterTheWaitBound) {
  LocalRefreshLock lock(100ms);
  auto held = lock.acquire("user");
  ASSERT_TRUE(held);
  const auto start = Clock::now();
  std::thread waiter([&] { EXPECT_EQ(lock.acquire("user").error(), RefreshLockError::kTimeout); });
  waiter.join();
  EXPECT_GE(Clock::now() - start, 100ms);
}

TEST(LocalRefreshLock, ManyUsersComeAndGo) {
  LocalRefreshLock lock(1s);
  for (int i = 0; i < 5000; ++i) EXPECT_TRUE(lock.acquire("user-" + std::to_string(i)));
}

}  // namespace
}  // namespace ac
