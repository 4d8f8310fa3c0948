#include "api/route_metrics.h"

namespace ac {

RouteMetrics::RouteMetrics(std::string_view route)
    : route_label_("route=\"" + metrics::label_value(route) + "\"") {}

void RouteMetrics::count(int status) {
  auto lookup = [&] {
    return &metrics::registry().http_requests_total.with(route_label_ + ",status=\"" +
                                                         std::to_string(status) + "\"");
  };
  if (status < kFirstStatus || status > kLastStatus) {
    lookup()->inc();
    return;
  }
  auto& slot = requests_[static_cast<std::size_t>(status - kFirstStatus)];
  metrics::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    counter = lookup();
    slot.store(counter, std::memory_order_release);
  }
  counter->inc();
}

void RouteMetrics::record(int status, double seconds) {
  count(status);
  metrics::Histogram* duration = duration_.load(std::memory_order_acquire);
  if (duration == nullptr) {
    duration = &metrics::registry().http_request_duration_seconds.with(route_label_);
    duration_.store(duration, std::memory_order_release);
  }
  duration->observe(seconds);
}

}  // namespace ac
