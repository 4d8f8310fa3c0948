#include "store/audit_pruner.h"

#include "obs/log.h"

namespace ac {

AuditPruner::AuditPruner(AuditLog& log, std::chrono::milliseconds retention,
                         std::chrono::milliseconds interval, int batch)
    : log_(log), retention_(retention), interval_(interval), batch_(batch) {
  thread_ = std::thread([this] { run(); });
}

AuditPruner::~AuditPruner() { stop(); }

void AuditPruner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_.notify_all();
  thread_.join();
}

bool AuditPruner::stopping() {
  std::lock_guard lock(mutex_);
  return stopped_;
}

void AuditPruner::run() {
  // The first pass waits a moment, so that it does not compete with start-up.
  constexpr auto kFirstPassDelay = std::chrono::seconds(1);
  auto wait = std::min<std::chrono::milliseconds>(kFirstPassDelay, interval_);
  std::unique_lock lock(mutex_);
  while (!stopping_.wait_for(lock, wait, [this] { return stopped_; })) {
    lock.unlock();
    prune_expired();
    lock.lock();
    wait = interval_;
  }
}

void AuditPruner::prune_expired() {
  const std::int64_t cutoff = audit_now_ms() - retention_.count();
  std::int64_t deleted = 0;
  while (!stopping()) {
    auto batch = log_.prune(cutoff, batch_);
    if (!batch) {
      // Tried again at the next pass; the events stay meanwhile, nothing is lost.
      log::warning("audit pruning failed", {{"error_type", batch.error().message}});
      break;
    }
    deleted += *batch;
    if (*batch < batch_) break;
  }
  if (deleted > 0) log::info("audit events pruned", {{"deleted", deleted}});
}

}  // namespace ac
