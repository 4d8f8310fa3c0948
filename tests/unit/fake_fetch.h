#pragma once

// An HttpFetch for the auth unit tests: answers with whatever the test last set, counts the
// calls and keeps the last request; can hold each call until released (single-flight tests).

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "auth/http_fetch.h"

namespace ac::testing {

class FakeFetch {
 public:
  void answer(long status, std::string body, HeaderList headers = {}) {
    std::lock_guard lock(mutex_);
    failure_.reset();
    response_ = OutboundResponse{status, std::move(headers), std::move(body)};
  }
  void fail(TransportError kind) {
    std::lock_guard lock(mutex_);
    failure_ = TransportFailure{kind, "fake failure"};
  }
  // While held, calls wait (counted as started) until release().
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }

  int calls() const { return calls_; }
  OutboundRequest last_request() const {
    std::lock_guard lock(mutex_);
    return last_;
  }

  HttpFetch function() {
    return
        [this](
            const OutboundRequest& request) -> std::expected<OutboundResponse, TransportFailure> {
          std::unique_lock lock(mutex_);
          ++calls_;
          last_ = request;
          released_.wait(lock, [this] { return !held_; });
          if (failure_) return std::unexpected(*failure_);
          return response_;
        };
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::atomic<int> calls_ = 0;
  OutboundRequest last_;
  OutboundResponse response_{200, {}, "{}"};
  std::optional<TransportFailure> failure_;
};

}  // namespace ac::testing
