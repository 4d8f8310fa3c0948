#include "api/ops_routes.h"

#include "api/responses.h"
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
       .needs_user = false,
       .blocking = false,
       .handler =
           [](RouteRequest&) {
             return json_strings_response(200, {{"status", "ok"}});
           }},
      {.method = "GET",
       .pattern = "/ready",
       .summary = "The store (and Redis, where configured) answer",
       .needs_user = false,
       .blocking = false,
       .errors = {{503, "not ready"}},
       .handler = std::move(ready)},
      {.method = "GET",
       .pattern = "/metrics",
       .summary = "Prometheus metrics",
       .needs_user = false,
       .blocking = false,
       .handler = std::move(metrics_text)},
  };
}

nlohmann::json openapi_document(const std::vector<Route>& routes) {
  const nlohmann::json error_schema = {{"$ref", "#/components/schemas/Error"}};
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& route : routes) {
    nlohmann::json op;
    op["summary"] = route.summary;
    op["operationId"] = std::string(route.method) + " " + std::string(route.pattern);
    nlohmann::json parameters = nlohmann::json::array();
    std::string_view pattern = route.pattern;
    for (auto open = pattern.find('{'); open != std::string_view::npos;
         open = pattern.find('{', open + 1)) {
      const auto close = pattern.find('}', open);
      parameters.push_back({{"name", pattern.substr(open + 1, close - open - 1)},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
    }
    for (const auto& q : route.query_params) {
      parameters.push_back({{"name", q.name},
                            {"in", "query"},
                            {"required", false},
                            {"description", q.description},
                            {"schema", {{"type", q.type}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (route.json_body) {
      op["requestBody"] = {{"required", false},
                           {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    }
    nlohmann::json responses = {{"200", {{"description", "OK"}}}};
    auto add_error = [&](int status, std::string_view detail) {
      auto& entry = responses[std::to_string(status)];
      if (entry.is_null()) {
        entry = {{"description", ""},
                 {"content", {{"application/json", {{"schema", error_schema}}}}}};
      }
      std::string description = entry["description"].get<std::string>();
      entry["description"] =
          description.empty() ? std::string(detail) : description + ", " + std::string(detail);
    };
    if (route.needs_user) {
      op["security"] = {{{"bearerAuth", nlohmann::json::array()}}};
      add_error(401, "Could not validate credentials");
      add_error(400, "Inactive user");
      add_error(403, "audible_requires_premium");
      add_error(429, "rate_limit_exceeded");
    }
    for (const auto& [status, detail] : route.errors) add_error(status, detail);
    if (route.json_body) {
      add_error(400, "invalid_json");
      add_error(413, "request_too_large");
      add_error(422, "invalid_parameters");
    }
    op["responses"] = responses;
    std::string method(route.method);
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[std::string(route.pattern)][method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "audible-connect"}, {"version", "1.0.0"}}},
          {"paths", paths},
          {"components",
           {{"securitySchemes",
             {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}},
            {"schemas",
             {{"Error",
               {{"type", "object"},
                {"required", {"detail"}},
                {"properties", {{"detail", {{"type", "string"}}}}}}}}}}}};
}

}  // namespace ac
