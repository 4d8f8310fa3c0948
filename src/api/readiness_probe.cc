#include "api/readiness_probe.h"

#include "obs/log.h"

namespace ac {
namespace {

// Logs changes only: a dependency that stays down is one line, not one per probe.
void log_changes(const ReadinessProbe::Snapshot* previous, const ReadinessProbe::Snapshot& next) {
  for (std::size_t i = 0; i < next.results.size(); ++i) {
    const auto& now = next.results[i];
    const bool was_failing = previous && previous->results[i].failure;
    if (now.failure && !was_failing) {
      log::warning("readiness check failed", {{"check", now.name}, {"error_type", *now.failure}});
    } else if (!now.failure && was_failing) {
      log::info("readiness check recovered", {{"check", now.name}});
    }
  }
}

}  // namespace

bool ReadinessProbe::Snapshot::ready() const {
  for (const auto& result : results) {
    if (result.failure) return false;
  }
  return true;
}

ReadinessProbe::ReadinessProbe(std::vector<std::pair<std::string, ReadinessCheck>> checks,
                               std::chrono::milliseconds interval,
                               std::chrono::milliseconds stale_after)
    : checks_(std::move(checks)), interval_(interval), stale_after_(stale_after) {
  auto first = probe();
  log_changes(nullptr, *first);
  latest_.store(std::move(first));
  thread_ = std::thread([this] { run(); });
}

ReadinessProbe::~ReadinessProbe() { stop(); }

std::shared_ptr<const ReadinessProbe::Snapshot> ReadinessProbe::snapshot() const {
  return latest_.load();
}

bool ReadinessProbe::ready() const {
  const auto latest = snapshot();
  return latest->ready() && std::chrono::steady_clock::now() - latest->taken < stale_after_;
}

void ReadinessProbe::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.notify_all();
  thread_.join();
}

std::shared_ptr<const ReadinessProbe::Snapshot> ReadinessProbe::probe() const {
  auto taken = std::make_shared<Snapshot>();
  for (const auto& [name, check] : checks_) taken->results.push_back({name, check()});
  taken->taken = std::chrono::steady_clock::now();
  return taken;
}

void ReadinessProbe::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_.wait_for(lock, interval_, [this] { return stopped_; })) {
    lock.unlock();
    auto next = probe();
    const auto previous = latest_.exchange(next);
    log_changes(previous.get(), *next);
    lock.lock();
  }
}

}  // namespace ac
