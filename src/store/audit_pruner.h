#pragma once

// Keeps the audit trail to its retention (AUDIBLE_AUDIT_RETENTION_DAYS): a background thread
// deletes events older than that, shortly after start and then every `interval`, in batches of
// `batch` rows, one statement each, so that a large backlog never holds a long write lock on the
// database that requests share. Instances that share a database may all prune: a batch another
// one deleted first is simply found empty.
//
// Thread safety: stop() (also run by the destructor) from one thread; it waits for the batch in
// flight and joins the thread, so call it before the store closes.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "store/audit_log.h"

namespace ac {

class AuditPruner {
 public:
  AuditPruner(AuditLog& log, std::chrono::milliseconds retention,
              std::chrono::milliseconds interval = std::chrono::minutes(5), int batch = 500);
  ~AuditPruner();
  AuditPruner(const AuditPruner&) = delete;
  AuditPruner& operator=(const AuditPruner&) = delete;

  void stop();

 private:
  void run();
  // One pass: batches until one comes back short, a stop is asked or the store fails.
  void prune_expired();
  bool stopping();

  AuditLog& log_;
  const std::chrono::milliseconds retention_;
  const std::chrono::milliseconds interval_;
  const int batch_;
  std::mutex mutex_;
  std::condition_variable stopping_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace ac
