#pragma once

// The HTTP metrics of one route label: http_requests_total{route,status} and
// http_request_duration_seconds{route}. Each series is looked up in the registry's families the
// first time it is used and kept from then on, so that a request builds no label strings (issue
// 12); as before, a series appears in /metrics only once it has counted something.
//
// Thread-safe: a series two threads find at once is the same one (families never drop members).

#include <array>
#include <atomic>
#include <string>
#include <string_view>

#include "obs/metrics.h"

namespace ac {

class RouteMetrics {
 public:
  explicit RouteMetrics(std::string_view route);
  RouteMetrics(const RouteMetrics&) = delete;
  RouteMetrics& operator=(const RouteMetrics&) = delete;

  // http_requests_total for one answer.
  void count(int status);
  // http_requests_total and http_request_duration_seconds for one answer.
  void record(int status, double seconds);

 private:
  static constexpr int kFirstStatus = 100;
  static constexpr int kLastStatus = 599;

  const std::string route_label_;  // route="..."
  std::array<std::atomic<metrics::Counter*>, kLastStatus - kFirstStatus + 1> requests_{};
  std::atomic<metrics::Histogram*> duration_{nullptr};
};

}  // namespace ac
