// The background sync loop (sync/background_sync.h) on a real SQLite store: two loops share the
// work without ever syncing one account twice at once, a throttled sync holds every worker back
// and is tried again after the back-off, and a stop lets the sync in flight finish.

#include "sync/background_sync.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "store/stores.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// What the sync callable saw, per user.
class SyncLedger {
 public:
  void begin(const std::string& user) {
    std::lock_guard lock(mutex_);
    auto& entry = users_[user];
    ++entry.syncs;
    entry.overlapped |= entry.in_flight++ > 0;
    starts_.push_back(Clock::now());
  }
  void end(const std::string& user) {
    std::lock_guard lock(mutex_);
    --users_[user].in_flight;
  }
  int syncs(const std::string& user) {
    std::lock_guard lock(mutex_);
    return users_[user].syncs;
  }
  bool overlapped() {
    std::lock_guard lock(mutex_);
    for (const auto& [user, entry] : users_) {
      if (entry.overlapped) return true;
    }
    return false;
  }
  std::vector<Clock::time_point> starts() {
    std::lock_guard lock(mutex_);
    return starts_;
  }

 private:
  struct Entry {
    int syncs = 0;
    int in_flight = 0;
    bool overlapped = false;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> users_;
  std::vector<Clock::time_point> starts_;
};

class BackgroundSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ac-bgsync-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    stores_ = open_sqlite_stores((dir_ / "db.sqlite").string(), StoreOptions{}).value();
  }
  void TearDown() override {
    stores_ = Stores{};
    std::filesystem::remove_all(dir_);
  }

  // Accounts linked a minute ago and never synced: due at once.
  void connect(int count) {
    const auto linked = std::chrono::duration_cast<std::chrono::seconds>(
                            (std::chrono::system_clock::now() - 60s).time_since_epoch())
                            .count();
    for (int i = 0; i < count; ++i) {
      AccountRecord record;
      record.user_id = user(i);
      record.audible_user_id = "listener";
      record.access_token = "a";
      record.refresh_token = "r";
      record.connected_at = linked;
      ASSERT_TRUE(stores_.accounts->connect(record, {"test", "test", "linked by the test"}));
    }
  }
  static std::string user(int i) { return "user-" + std::to_string(i); }

  std::unique_ptr<BackgroundSync> loop(SyncAccount sync, std::chrono::milliseconds interval,
                                       const std::string& owner) {
    return std::make_unique<BackgroundSync>(
        *stores_.sync_leases, backoff_, std::move(sync),
        BackgroundSyncOptions{.interval = interval, .concurrency = 2, .owner = owner});
  }

  std::filesystem::path dir_;
  Stores stores_;
  ProviderBackoff backoff_;
  SyncLedger ledger_;
};

TEST_F(BackgroundSyncTest, TwoLoopsShareTheWorkAndSyncEachAccountOncePerInterval) {
  constexpr int kAccounts = 10;
  connect(kAccounts);
  std::atomic<int> synced_by_a{0};
  std::atomic<int> synced_by_b{0};
  auto sync_counting = [&](std::atomic<int>& count) {
    return [&](const std::string& user_id) -> std::expected<SyncResult, SyncError> {
      ledger_.begin(user_id);
      ++count;
      std::this_thread::sleep_for(20ms);
      ledger_.end(user_id);
      return SyncResult{};
    };
  };
  auto a = loop(sync_counting(synced_by_a), 1s, "A");
  auto b = loop(sync_counting(synced_by_b), 1s, "B");
  a->start();
  b->start();
  std::this_thread::sleep_for(3500ms);  // syncs at about 0, 1, 2 and 3 s
  a->stop();
  b->stop();
  for (int i = 0; i < kAccounts; ++i) {
    EXPECT_GE(ledger_.syncs(user(i)), 3) << user(i);
    EXPECT_LE(ledger_.syncs(user(i)), 5) << user(i);
  }
  EXPECT_FALSE(ledger_.overlapped());
  EXPECT_GT(synced_by_a, 0);
  EXPECT_GT(synced_by_b, 0);
}

TEST_F(BackgroundSyncTest, AThrottledSyncHoldsEveryWorkerBackAndIsTriedAgainAfterTheBackoff) {
  connect(4);
  std::atomic<bool> throttled{false};
  Clock::time_point throttled_at;
  std::string throttled_user;
  auto sync = [&](const std::string& user_id) -> std::expected<SyncResult, SyncError> {
    ledger_.begin(user_id);
    ledger_.end(user_id);
    if (!throttled.exchange(true)) {
      throttled_user = user_id;
      throttled_at = Clock::now();
      backoff_.throttled(400ms);  // as the API client reports a 429 with Retry-After
      return std::unexpected(SyncError::kUnavailable);
    }
    return SyncResult{};
  };
  auto a = loop(sync, 60s, "A");
  a->start();
  const auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline && ledger_.starts().size() < 5) std::this_thread::sleep_for(10ms);
  a->stop();
  ASSERT_TRUE(throttled);
  EXPECT_EQ(ledger_.syncs(throttled_user), 2);  // not left for the next interval, a minute away
  for (int i = 0; i < 4; ++i) EXPECT_GE(ledger_.syncs(user(i)), 1) << user(i);
  int started_during_backoff = 0;
  for (const auto start : ledger_.starts()) {
    // The other worker may have claimed an account just before the 429 was reported.
    if (start > throttled_at + 50ms && start < throttled_at + 390ms) ++started_during_backoff;
  }
  EXPECT_EQ(started_during_backoff, 0);
}

TEST_F(BackgroundSyncTest, AStopLetsTheSyncsInFlightFinishAndTakesNoMore) {
  connect(3);
  std::atomic<int> finished{0};
  auto sync = [&](const std::string& user_id) -> std::expected<SyncResult, SyncError> {
    ledger_.begin(user_id);
    std::this_thread::sleep_for(300ms);
    ledger_.end(user_id);
    ++finished;
    return SyncResult{};
  };
  auto a = loop(sync, 60s, "A");
  a->start();
  while (ledger_.starts().size() < 2) std::this_thread::sleep_for(5ms);
  a->request_stop();  // SIGTERM
  a->stop();
  EXPECT_EQ(finished, 2);
  EXPECT_EQ(ledger_.starts().size(), 2u);
  // The two synced are due a minute from now, their leases given back; the third is due at once.
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto left = stores_.sync_leases->claim_due("B", {now_ms, 0}, now_ms + 100'000, 10).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(ledger_.syncs(left[0].user_id), 0);
  const auto later =
      stores_.sync_leases->claim_due("B", {now_ms + 70'000, 0}, now_ms + 80'000, 10).value();
  EXPECT_EQ(later.size(), 2u);
}

TEST(SyncPollPeriod, ATwentiethOfTheIntervalWithinBounds) {
  EXPECT_EQ(sync_poll_period(std::chrono::hours(12)), 5s);
  EXPECT_EQ(sync_poll_period(3600ms), 180ms);
  EXPECT_EQ(sync_poll_period(1s), 100ms);
}

}  // namespace
}  // namespace ac
