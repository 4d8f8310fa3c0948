#pragma once

// The server's live connections: a cap on how many there are (MAX_CONNECTIONS), room made at the
// cap by closing the connections that have waited longest for a request, and the drain's view of
// them at shutdown.
//
// Thread safety: every member may be called from any thread. A TrackedConnection's
// close_if_idle() is called with no lock held and must only schedule the close on the
// connection's own thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace ac {

class TrackedConnection {
 public:
  virtual ~TrackedConnection() = default;
  // Closes the connection if, when its own thread gets to it, it is still waiting for a request.
  virtual void close_if_idle() = 0;

  // Called by the connection itself when it starts and stops waiting for a request.
  void mark_idle() { idle_since_.store(now_ns(), std::memory_order_relaxed); }
  void mark_busy() { idle_since_.store(0, std::memory_order_relaxed); }
  bool idle() const { return idle_since_.load(std::memory_order_relaxed) != 0; }

 private:
  friend class ConnectionRegistry;
  static std::int64_t now_ns();
  std::atomic<std::int64_t> idle_since_{0};  // steady clock; 0 while a request is in hand
  bool evicted_ = false;                     // under the registry's lock
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(std::size_t max_connections);

  // Counts a new connection in. At the cap, asks the connections that have idled longest to close
  // (a batch of about 1/64 of the cap, so that a flood of new connections does not rescan them
  // all each time). False when the cap is reached and none idles, or while those asked to close
  // are still going and hold a batch beyond the cap: the caller closes the new one.
  bool admit(std::shared_ptr<TrackedConnection> connection);
  void remove(const std::shared_ptr<TrackedConnection>& connection);

  // Asks the longest-idle connection to close (the process is out of descriptors); false when
  // none idles.
  bool close_oldest_idle();
  // Asks every idle connection to close (the drain at shutdown).
  void close_all_idle();

  // Waits until no connection is left; false when `timeout` passed first.
  bool wait_until_empty(std::chrono::steady_clock::duration timeout);

  std::size_t max_connections() const { return max_; }

 private:
  // Marks up to `count` of the longest-idle connections evicted; returns them. Lock held.
  std::vector<std::shared_ptr<TrackedConnection>> pick_oldest_idle(std::size_t count);

  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable emptied_;
  std::unordered_set<std::shared_ptr<TrackedConnection>> connections_;
  std::size_t evicted_ = 0;  // asked to close, not gone yet
};

// The default cap: the soft RLIMIT_NOFILE less headroom for the process's other descriptors
// (database, Redis, provider connections, logs), at least 16.
std::size_t default_max_connections();

}  // namespace ac
