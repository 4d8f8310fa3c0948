#pragma once

// The route table: every endpoint declares what it needs (a premium user, a configured
// integration, its rate-limit class, its query parameters and JSON body) and what it answers
// (its response schema, its error details), as the seeds' FastAPI routes did with Depends(...),
// Query(...) and response_model. ServiceApp enforces the table and /openapi.json is generated
// from it, so a route documents itself by declaring these.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
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
  // The declared query parameters, validated, defaults filled in: a JSON object of integers and
  // strings (an optional string without a default is absent when not given).
  nlohmann::json query;
  nlohmann::json body;  // the validated JSON object, on routes that take one
};

using RouteHandler = std::function<HttpResponse(RouteRequest&)>;

// A query parameter as FastAPI's Query(...) declares it; a value that breaks the declaration is
// answered with 422 before the handler runs. Lengths count characters, not bytes.
struct QueryParam {
  enum class Type { kString, kInteger };
  std::string_view name;
  Type type = Type::kString;
  std::string_view description;
  bool required = false;
  nlohmann::json default_value = nullptr;  // null: none
  std::optional<std::int64_t> minimum;     // integers
  std::optional<std::int64_t> maximum;
  std::optional<std::size_t> min_length;  // strings
  std::optional<std::size_t> max_length;
};

// A string member of a JSON body (null allowed when it is optional).
struct BodyField {
  std::string_view name;
  std::string_view description;
  bool required = false;
  std::size_t max_length = 4096;
};

// A JSON object body, as a pydantic model declares it. Unknown members are ignored.
struct RequestBody {
  std::string_view schema_name;  // its name under components/schemas
  bool required = false;         // false: an empty body is the empty object
  std::vector<BodyField> fields;
  // At least one of these members must be a string (the model's own check, a value_error).
  std::vector<std::string_view> one_of_required;
};

// A components/schemas entry; a schema without a name is written inline.
struct Schema {
  std::string_view name;
  nlohmann::json definition;
};

struct ResponseBody {
  Schema schema;
  bool list = false;  // a JSON array of the schema
  std::string_view media_type = "application/json";
  std::vector<int> statuses = {200};  // the statuses that answer with this body
};

struct Route {
  std::string_view method;
  std::string_view pattern;  // "/api/v1/user/audible/{asin}/details"
  std::string_view summary;
  std::string_view operation_id;  // snake_case; derived from method and path when empty
  bool needs_user = true;         // Bearer JWT, active, premium gate, rate limit
  RateClass rate_class = RateClass::kGeneral;
  bool needs_configured = false;
  bool blocking = true;  // false: safe to answer on an I/O thread
  // Waits on the provider: runs on the provider pool, within the user's in-flight bound.
  bool calls_provider = false;
  std::vector<QueryParam> query_params;
  std::optional<RequestBody> body;
  std::optional<ResponseBody> response;
  // The route's own {"detail"} errors; those every authenticated route or body route may answer
  // are added by the document.
  std::vector<std::pair<int, std::string_view>> errors;
  RouteHandler handler;
};

}  // namespace ac
