#include "api/ops_routes.h"

#include "api/responses.h"
#include "api/schemas.h"
#include "obs/metrics.h"

namespace ac {

std::vector<Route> ops_routes(const ReadinessProbe& probe) {
  auto ready = [&probe](RouteRequest&) {
    const auto snapshot = probe.snapshot();
    nlohmann::json results = nlohmann::json::object();
    for (const auto& result : snapshot->results) {
      results[result.name] = result.failure ? "unavailable" : "ok";
    }
    const bool is_ready = probe.ready();
    return json_response(is_ready ? 200 : 503,
                         {{"status", is_ready ? "ready" : "unavailable"}, {"checks", results}});
  };
  auto metrics_text = [](RouteRequest&) {
    HttpResponse response;
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = metrics::registry().render();
    return response;
  };
  return {
      {.method = "GET",
       .pattern = "/health",
       .summary = "The process is alive",
       .operation_id = "health",
       .needs_user = false,
       .blocking = false,
       .response = ResponseBody{.schema = health_schema()},
       .handler =
           [](RouteRequest&) {
             return json_strings_response(200, {{"status", "ok"}});
           }},
      {.method = "GET",
       .pattern = "/ready",
       .summary = "The store (and Redis, where configured) answer",
       .operation_id = "ready",
       .needs_user = false,
       .blocking = false,
       .response = ResponseBody{.schema = readiness_schema(), .statuses = {200, 503}},
       .handler = std::move(ready)},
      {.method = "GET",
       .pattern = "/metrics",
       .summary = "Prometheus metrics",
       .operation_id = "metrics",
       .needs_user = false,
       .blocking = false,
       .response = ResponseBody{.schema = {"", {{"type", "string"}}},
                                .media_type = "text/plain; version=0.0.4"},
       .handler = std::move(metrics_text)},
  };
}

}  // namespace ac
