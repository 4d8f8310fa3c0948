#pragma once

// The route table: every endpoint declares what it needs (a premium user, a configured
// integration, its rate-limit class, a JSON body), as the seeds' FastAPI routes did with
// Depends(...). ServiceApp enforces the table and /openapi.json is generated from it.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "auth/user.h"
#include "http/message.h"

namespace ac {

enum class RateClass { kAuthorize, kCallback, kSearch, kGeneral };
// The class's stable name, part of the rate-limit keys that instances share.
std::string_view rate_class_name(RateClass rate_class);

struct RouteRequest {
  const HttpRequest& http;
  const User& user;                      // the caller, on routes that need a user
  std::vector<std::string> path_params;  // the {name} segments, in order, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;
  nlohmann::json body;  // the JSON object, on routes that take one
};

using RouteHandler = std::function<HttpResponse(RouteRequest&)>;

struct QueryParam {
  std::string_view name;
  std::string_view type;  // OpenAPI type: "string" or "integer"
  std::string_view description;
};

struct Route {
  std::string_view method;
  std::string_view pattern;  // "/api/v1/user/audible/{asin}/details"
  std::string_view summary;
  bool needs_user = true;  // Bearer JWT, active, premium gate, rate limit
  RateClass rate_class = RateClass::kGeneral;
  bool needs_configured = false;
  bool json_body = false;
  bool blocking = true;  // false: safe to answer on an I/O thread
  // Waits on the provider: runs on the provider pool, within the user's in-flight bound.
  bool calls_provider = false;
  std::vector<QueryParam> query_params;
  std::vector<std::pair<int, std::string_view>> errors;  // documented error codes
  RouteHandler handler;
};

}  // namespace ac
