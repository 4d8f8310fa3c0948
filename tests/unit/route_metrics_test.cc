// RouteMetrics keeps its series after the first lookup (issue 12); what /metrics shows is as when
// every request looked them up by label text.

#include "api/route_metrics.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

std::uint64_t requests(const std::string& labels) {
  return metrics::registry().http_requests_total.with(labels).value();
}

TEST(RouteMetrics, CountsUnderTheEscapedRouteAndTheStatus) {
  const std::string render_before = metrics::registry().render();
  EXPECT_EQ(render_before.find("route=\"/route-metrics-test/\\\"q\\\"\""), std::string::npos);

  RouteMetrics route("/route-metrics-test/\"q\"");
  route.record(200, 0.0002);
  route.record(200, 0.003);
  route.record(404, 0.0001);
  route.count(413);
  route.count(999);  // no status anyone sends, counted all the same

  const std::string labels = "route=\"/route-metrics-test/\\\"q\\\"\"";
  EXPECT_EQ(requests(labels + ",status=\"200\""), 2u);
  EXPECT_EQ(requests(labels + ",status=\"404\""), 1u);
  EXPECT_EQ(requests(labels + ",status=\"413\""), 1u);
  EXPECT_EQ(requests(labels + ",status=\"999\""), 1u);
  const std::string render = metrics::registry().render();
  EXPECT_NE(render.find("http_request_duration_seconds_count{" + labels + "} 3\n"),
            std::string::npos);
  EXPECT_NE(render.find("http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 3\n"),
            std::string::npos);
}

TEST(RouteMetrics, TwoInstancesOfOneRouteShareTheSeries) {
  RouteMetrics first("/route-metrics-test/shared");
  RouteMetrics second("/route-metrics-test/shared");
  first.count(201);
  second.count(201);
  EXPECT_EQ(requests("route=\"/route-metrics-test/shared\",status=\"201\""), 2u);
}

}  // namespace
}  // namespace ac
