#pragma once

// The background library sync (issue 13): `concurrency` threads of its own (never the request
// pools) each lease one due account at a time from the store, sync it incrementally (the same sync
// as POST /library/sync, its access token refreshed on the way), and give the lease back with the
// next due time: about one interval later, with jitter so that accounts linked together spread
// out. A failed sync is tried again the next interval; one the provider throttled (a 429 while it
// ran) is put back as due and taken again once the shared back-off is over. Leases make instances
// share the work: an account is synced by one of them at a time, and one whose holder died is
// taken again when its lease expires.
//
// request_stop() (on SIGTERM) takes no new account; stop() then waits for the syncs in flight,
// each one transaction, and gives their leases back. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audible/library_sync.h"
#include "store/sync_lease_store.h"
#include "sync/provider_backoff.h"

namespace ac {

// Longer than any one sync takes (its provider calls are bounded by the HTTP timeouts): the time
// after which an account whose holder died is taken by another instance.
inline constexpr std::chrono::minutes kSyncLease{10};

struct BackgroundSyncOptions {
  std::chrono::milliseconds interval{0};
  int concurrency = 2;
  std::string owner;  // this instance's name on its leases; unique per process
  std::chrono::milliseconds lease = kSyncLease;
};

using SyncAccount = std::function<std::expected<SyncResult, SyncError>(const std::string&)>;

// How often an idle worker looks for due accounts: a twentieth of the interval, within
// [100 ms, 5 s].
std::chrono::milliseconds sync_poll_period(std::chrono::milliseconds interval);
// A unique lease owner for this process: host, pid and a random suffix.
std::string sync_lease_owner();

class BackgroundSync {
 public:
  BackgroundSync(SyncLeaseStore& leases, ProviderBackoff& backoff, SyncAccount sync,
                 BackgroundSyncOptions options);
  ~BackgroundSync();
  BackgroundSync(const BackgroundSync&) = delete;
  BackgroundSync& operator=(const BackgroundSync&) = delete;

  void start();
  void request_stop();
  void stop();

 private:
  void work();
  void watch();
  void sync_one(const SyncClaim& claim);
  // Waits until `until` or a stop; false on a stop.
  bool sleep_until(std::chrono::steady_clock::time_point until);
  bool stopping();
  SyncTimes times() const;

  SyncLeaseStore& leases_;
  ProviderBackoff& backoff_;
  SyncAccount sync_;
  BackgroundSyncOptions options_;
  std::chrono::milliseconds poll_period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ac
