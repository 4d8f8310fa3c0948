#pragma once

// /ready's answer, kept up to date by a background thread: every `interval` it runs each check
// (which may block: a database write lock, a Redis PING) and publishes the results as one
// immutable snapshot, which /ready reads without waiting on anything, so that readiness never
// ties up an I/O thread and a slow dependency never piles up probes.
//
// A snapshot older than `stale_after` counts as not ready: a prober stuck in a check must not keep
// reporting the last good answer.
//
// Thread safety: snapshot() may be called from any thread; stop() (also run by the destructor)
// from one. Stop it, which joins the thread, before anything its checks use is closed.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ac {

// A dependency /ready asks; an error message means it is not answering.
using ReadinessCheck = std::function<std::optional<std::string>()>;

class ReadinessProbe {
 public:
  struct Result {
    std::string name;
    std::optional<std::string> failure;
  };
  struct Snapshot {
    std::vector<Result> results;
    std::chrono::steady_clock::time_point taken;
    bool ready() const;
  };

  // Runs the checks once on the calling thread, so that the first snapshot is real, then starts
  // the thread.
  ReadinessProbe(std::vector<std::pair<std::string, ReadinessCheck>> checks,
                 std::chrono::milliseconds interval = std::chrono::seconds(1),
                 std::chrono::milliseconds stale_after = std::chrono::seconds(10));
  ~ReadinessProbe();
  ReadinessProbe(const ReadinessProbe&) = delete;
  ReadinessProbe& operator=(const ReadinessProbe&) = delete;

  std::shared_ptr<const Snapshot> snapshot() const;
  // True when the snapshot says ready and is fresh.
  bool ready() const;
  void stop();

 private:
  std::shared_ptr<const Snapshot> probe() const;
  void run();

  const std::vector<std::pair<std::string, ReadinessCheck>> checks_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds stale_after_;
  std::atomic<std::shared_ptr<const Snapshot>> latest_;
  std::mutex mutex_;
  std::condition_variable stopping_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace ac
