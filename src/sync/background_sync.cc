#include "sync/background_sync.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

#include "crypto/random.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The next due time after a sync at `now_ms`: one interval, give or take a tenth.
std::int64_t next_due_ms(std::int64_t now_ms, milliseconds interval) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  return now_ms + static_cast<std::int64_t>(static_cast<double>(interval.count()) * jitter(random));
}

}  // namespace

milliseconds sync_poll_period(milliseconds interval) {
  return std::clamp(interval / 20, milliseconds(100), milliseconds(5'000));
}

std::string sync_lease_owner() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host = {};
  std::array<std::uint8_t, 4> suffix{};
  fill_random(suffix);
  std::array<char, 9> hex{};
  std::snprintf(hex.data(), hex.size(), "%02x%02x%02x%02x", suffix[0], suffix[1], suffix[2],
                suffix[3]);
  return std::string(host.data()) + ":" + std::to_string(getpid()) + ":" + hex.data();
}

BackgroundSync::BackgroundSync(SyncLeaseStore& leases, ProviderBackoff& backoff, SyncAccount sync,
                               BackgroundSyncOptions options)
    : leases_(leases),
      backoff_(backoff),
      sync_(std::move(sync)),
      options_(std::move(options)),
      poll_period_(sync_poll_period(options_.interval)) {}

BackgroundSync::~BackgroundSync() { stop(); }

void BackgroundSync::start() {
  log::info("background library sync started",
            {{"interval_seconds", static_cast<double>(options_.interval.count()) / 1000.0},
             {"concurrency", options_.concurrency},
             {"owner", options_.owner}});
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this] { work(); });
  threads_.emplace_back([this] { watch(); });
}

void BackgroundSync::request_stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
}

void BackgroundSync::stop() {
  request_stop();
  for (auto& thread : threads_) thread.join();
  if (!threads_.empty()) log::info("background library sync stopped");
  threads_.clear();
}

bool BackgroundSync::sleep_until(Clock::time_point until) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_until(lock, until, [this] { return stopping_; });
}

bool BackgroundSync::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

SyncTimes BackgroundSync::times() const {
  // A sync the user asked for postpones the next background one by most of an interval.
  return {.now_ms = unix_ms(), .floor_ms = options_.interval.count() * 9 / 10};
}

void BackgroundSync::work() {
  while (sleep_until(backoff_.resume_at())) {
    const auto now = times();
    auto claims = leases_.claim_due(options_.owner, now, now.now_ms + options_.lease.count(), 1);
    if (!claims) {
      log::warning("background sync could not claim accounts",
                   {{"error_type", claims.error().message}});
    }
    if (!claims || claims->empty()) {
      if (!sleep_until(Clock::now() + poll_period_)) return;
      continue;
    }
    if (stopping()) {
      // Stopping: the account stays due, for whichever instance runs next.
      (void)leases_.release(claims->front().user_id, options_.owner, std::nullopt);
      return;
    }
    sync_one(claims->front());
  }
}

void BackgroundSync::sync_one(const SyncClaim& claim) {
  auto& registry = metrics::registry();
  const auto throttles_before = backoff_.throttle_count();
  const auto result = sync_(claim.user_id);
  std::optional<std::int64_t> next_due = next_due_ms(unix_ms(), options_.interval);
  if (result) {
    registry.background_sync_synced_total.inc();
  } else if (result.error() == SyncError::kNotConnected) {
    // Disconnected meanwhile: nothing left to sync.
  } else if (result.error() == SyncError::kUnavailable &&
             backoff_.throttle_count() != throttles_before) {
    // The provider said "slow down": due as before, taken again after the shared back-off.
    next_due.reset();
    registry.background_sync_deferred_total.inc();
  } else {
    registry.background_sync_failed_total.inc();
  }
  if (auto released = leases_.release(claim.user_id, options_.owner, next_due); !released) {
    log::warning("background sync could not release its lease; it expires",
                 {{"user_id", claim.user_id}, {"error_type", released.error().message}});
  }
}

void BackgroundSync::watch() {
  auto& registry = metrics::registry();
  do {
    const auto now = times();
    if (auto due = leases_.due_summary(now)) {
      registry.background_sync_due_accounts.set(static_cast<double>(due->count));
      const auto late_ms = due->oldest_due_at_ms ? now.now_ms - *due->oldest_due_at_ms : 0;
      registry.background_sync_lag_seconds.set(static_cast<double>(late_ms) / 1000.0);
    }
  } while (sleep_until(Clock::now() + poll_period_));
}

}  // namespace ac
