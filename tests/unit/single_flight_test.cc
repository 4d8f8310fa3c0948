#include "util/single_flight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ac {
namespace {

using namespace std::chrono_literals;

TEST(SingleFlight, ConcurrentCallsForOneKeyShareOneRun) {
  SingleFlight<std::string, int> flights;
  std::atomic<int> runs{0};
  std::promise<void> entered;
  std::promise<void> release;
  auto work = [&] {
    if (runs.fetch_add(1) == 0) {
      entered.set_value();
      release.get_future().wait();
    }
    return 42;
  };
  bool leader_shared = true;
  auto leader =
      std::async(std::launch::async, [&] { return flights.run("q", work, &leader_shared); });
  entered.get_future().wait();  // the leader's run is under way

  constexpr int kFollowers = 8;
  std::vector<std::future<std::pair<int, bool>>> followers;
  for (int i = 0; i < kFollowers; ++i) {
    followers.push_back(std::async(std::launch::async, [&] {
      bool shared = false;
      const int value = flights.run("q", work, &shared);
      return std::pair{value, shared};
    }));
  }
  std::this_thread::sleep_for(200ms);  // they find the flight and wait for it
  release.set_value();

  EXPECT_EQ(leader.get(), 42);
  EXPECT_FALSE(leader_shared);
  for (auto& follower : followers) {
    const auto [value, shared] = follower.get();
    EXPECT_EQ(value, 42);
    EXPECT_TRUE(shared);
  }
  EXPECT_EQ(runs.load(), 1);
}

TEST(SingleFlight, RunsAgainOnceTheFlightHasLanded) {
  SingleFlight<std::string, int> flights;
  int runs = 0;
  EXPECT_EQ(flights.run("q", [&] { return ++runs; }), 1);
  EXPECT_EQ(flights.run("q", [&] { return ++runs; }), 2);
}

TEST(SingleFlight, AThrowingRunReachesEveryWaiterAndEndsTheFlight) {
  SingleFlight<std::string, int> flights;
  std::promise<void> entered;
  std::promise<void> release;
  auto leader = std::async(std::launch::async, [&] {
    return flights.run("q", [&]() -> int {
      entered.set_value();
      release.get_future().wait();
      throw std::runtime_error("provider answer");
    });
  });
  entered.get_future().wait();
  auto follower = std::async(std::launch::async, [&] {
    bool shared = false;
    try {
      flights.run(
          "q", [] { return 0; }, &shared);
    } catch (const std::runtime_error&) {
      return shared;
    }
    return false;
  });
  std::this_thread::sleep_for(200ms);  // it finds the flight and waits for it
  release.set_value();
  EXPECT_THROW(leader.get(), std::runtime_error);
  ASSERT_EQ(follower.wait_for(5s), std::future_status::ready);  // not left waiting forever
  EXPECT_TRUE(follower.get());
  EXPECT_EQ(flights.run("q", [] { return 7; }), 7);  // the flight ended: a new call runs
}

TEST(SingleFlight, OtherKeysDoNotWait) {
  SingleFlight<std::string, int> flights;
  std::promise<void> release;
  auto slow = std::async(std::launch::async, [&] {
    return flights.run("slow", [&] {
      release.get_future().wait();
      return 1;
    });
  });
  EXPECT_EQ(flights.run("other", [] { return 2; }), 2);  // would hang if it waited for "slow"
  release.set_value();
  EXPECT_EQ(slow.get(), 1);
}

}  // namespace
}  // namespace ac
