#include "api/readiness_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ac {
namespace {

using namespace std::chrono_literals;

TEST(ReadinessProbe, FirstSnapshotIsTakenBeforeTheConstructorReturns) {
  ReadinessProbe probe({{"store", [] { return std::optional<std::string>("gone"); }}}, 10s);
  EXPECT_FALSE(probe.ready());
  ASSERT_EQ(probe.snapshot()->results.size(), 1u);
  EXPECT_EQ(probe.snapshot()->results[0].failure, "gone");
}

TEST(ReadinessProbe, FollowsTheDependencyInTheBackground) {
  std::atomic<bool> up{true};
  ReadinessProbe probe({{"store",
                         [&]() -> std::optional<std::string> {
                           if (up) return std::nullopt;
                           return "down";
                         }}},
                       20ms);
  EXPECT_TRUE(probe.ready());
  up = false;
  for (int i = 0; i < 200 && probe.ready(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(probe.ready());
  up = true;
  for (int i = 0; i < 200 && !probe.ready(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(probe.ready());
}

TEST(ReadinessProbe, AStuckCheckMakesTheSnapshotStale) {
  std::atomic<bool> stuck{false};
  ReadinessProbe probe({{"store",
                         [&]() -> std::optional<std::string> {
                           while (stuck) std::this_thread::sleep_for(1ms);
                           return std::nullopt;
                         }}},
                       10ms, 100ms);
  EXPECT_TRUE(probe.ready());
  stuck = true;
  std::this_thread::sleep_for(250ms);
  EXPECT_FALSE(probe.ready());  // the last answer was "ok", but it is too old to trust
  stuck = false;
}

TEST(ReadinessProbe, AnswersWithoutWaitingForACheck) {
  std::atomic<bool> slow{false};
  ReadinessProbe probe({{"store",
                         [&]() -> std::optional<std::string> {
                           if (slow) std::this_thread::sleep_for(300ms);
                           return std::nullopt;
                         }}},
                       10ms);
  slow = true;
  std::this_thread::sleep_for(30ms);  // the prober is inside the slow check now
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) (void)probe.ready();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 50ms);
  slow = false;
}

}  // namespace
}  // namespace ac
