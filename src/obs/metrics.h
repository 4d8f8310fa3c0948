#pragma once

// Prometheus metrics (text exposition format 0.0.4). The names are the seeds' list with dots
// turned into underscores, plus the HTTP server's own.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ac::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // Appends the _bucket, _sum and _count lines; `labels` is empty or `a="x",b="y"`.
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, then +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Metrics of one kind told apart by label values.
template <typename Metric>
class Family {
 public:
  template <typename... Args>
  explicit Family(Args... metric_args)
      : make_([=] { return std::make_unique<Metric>(metric_args...); }) {}

  Metric& with(const std::string& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = members_[labels];
    if (!slot) slot = make_();
    return *slot;
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : members_) fn(labels, *metric);
  }

 private:
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Metric>> members_;
};

struct Registry {
  Counter oauth_authorize_requests_total;
  Counter oauth_authorize_errors_total;
  Counter oauth_callback_requests_total;
  Counter oauth_callback_errors_total;
  Counter oauth_state_validation_failures_total;
  Counter token_encryption_errors_total;
  Counter token_decryption_errors_total;
  Counter token_refresh_failures_total;
  Counter api_library_sync_total;
  Counter api_search_requests_total;
  Counter rate_limit_fallback_total;  // decisions made in memory while Redis was unreachable
  Counter api_throttled_total;        // 429s from the provider
  // The background library sync (sync/background_sync.h).
  Counter background_sync_synced_total;
  Counter background_sync_failed_total;
  Counter background_sync_deferred_total;  // throttled: put back for after the back-off
  Gauge background_sync_due_accounts;
  Gauge background_sync_lag_seconds;
  Family<Counter> userinfo_lookups_total;  // outcome (auth/userinfo_client.cc)
  Histogram api_response_time_ms{{5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000}};
  Family<Counter> http_requests_total;  // route, status
  Family<Counter> audit_events_total;   // event: audit events committed by this process
  Family<Histogram> http_request_duration_seconds{std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}};  // route

  std::string render() const;
};

Registry& registry();

// Escapes a label value for the exposition format.
std::string label_value(std::string_view value);

}  // namespace ac::metrics
