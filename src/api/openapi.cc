#include "api/openapi.h"

#include <algorithm>
#include <map>

#include "api/schemas.h"
#include "util/text.h"

namespace ac {
namespace {

using nlohmann::json;

constexpr std::string_view kDescription =
    "Links a platform user's Audible account (OAuth 2.0 with PKCE), syncs their library and "
    "searches the Audible catalog.\n\n"
    "Authentication: every /api/v1 endpoint needs `Authorization: Bearer <token>`, the "
    "platform's access token, of a premium, family or admin user.\n\n"
    "Errors are `{\"detail\": \"<string>\"}`, where the string is one of those listed for the "
    "status (some are the Python service's sentences, the rest codes); 422 has FastAPI's "
    "validation shape.\n\n"
    "CORS: browsers on the origins listed in `BACKEND_CORS_ORIGINS` may call the API with "
    "credentials; preflights are answered without authentication.";

json ref(std::string_view name) { return {{"$ref", "#/components/schemas/" + std::string(name)}}; }

// A schema's reference, after recording it among the components; inline when it has no name.
json use_schema(const Schema& schema, json& components) {
  if (schema.name.empty()) return schema.definition;
  components[std::string(schema.name)] = schema.definition;
  return ref(schema.name);
}

json parameters_of(const Route& route) {
  json parameters = json::array();
  const std::string_view pattern = route.pattern;
  for (auto open = pattern.find('{'); open != std::string_view::npos;
       open = pattern.find('{', open + 1)) {
    const auto close = pattern.find('}', open);
    parameters.push_back({{"name", pattern.substr(open + 1, close - open - 1)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
  }
  for (const auto& q : route.query_params) {
    json schema = {{"type", q.type == QueryParam::Type::kInteger ? "integer" : "string"}};
    if (q.minimum) schema["minimum"] = *q.minimum;
    if (q.maximum) schema["maximum"] = *q.maximum;
    if (q.min_length) schema["minLength"] = *q.min_length;
    if (q.max_length) schema["maxLength"] = *q.max_length;
    if (!q.default_value.is_null()) schema["default"] = q.default_value;
    parameters.push_back({{"name", q.name},
                          {"in", "query"},
                          {"required", q.required},
                          {"description", q.description},
                          {"schema", schema}});
  }
  return parameters;
}

json request_body_of(const RequestBody& body, json& components) {
  json properties = json::object();
  json required = json::array();
  for (const auto& field : body.fields) {
    json property = {{"type", "string"}, {"maxLength", field.max_length}};
    if (!field.description.empty()) property["description"] = field.description;
    if (field.required) {
      required.push_back(field.name);
    } else {
      property["nullable"] = true;
    }
    properties[std::string(field.name)] = property;
  }
  json schema = {{"title", body.schema_name}, {"type", "object"}, {"properties", properties}};
  if (!required.empty()) schema["required"] = required;
  if (!body.one_of_required.empty()) {
    json any_of = json::array();
    for (const auto name : body.one_of_required) any_of.push_back({{"required", {name}}});
    schema["anyOf"] = any_of;
  }
  json content = {
      {"application/json", {{"schema", use_schema({body.schema_name, schema}, components)}}}};
  return {{"required", body.required}, {"content", content}};
}

// Status -> detail strings, each once, in the order first given.
using ErrorList = std::map<int, std::vector<std::string_view>>;

void add_error(ErrorList& errors, int status, std::string_view detail) {
  auto& details = errors[status];
  if (std::find(details.begin(), details.end(), detail) == details.end()) {
    details.push_back(detail);
  }
}

ErrorList errors_of(const Route& route) {
  ErrorList errors;
  if (route.needs_user) {
    add_error(errors, 401, "Could not validate credentials");
    add_error(errors, 400, "Inactive user");
    add_error(errors, 403, "audible_requires_premium");
    add_error(errors, 429, "rate_limit_exceeded");
    add_error(errors, 503, "auth_service_unavailable");
  }
  if (route.needs_configured) add_error(errors, 503, "audible_integration_not_configured");
  if (route.body) {
    add_error(errors, 400, "invalid_json");
    add_error(errors, 413, "request_too_large");
  }
  for (const auto& [status, detail] : route.errors) add_error(errors, status, detail);
  add_error(errors, 500, "internal_error");
  return errors;
}

json error_entry(int status, const std::vector<std::string_view>& details) {
  std::string description = "One of: ";
  for (std::size_t i = 0; i < details.size(); ++i) {
    description += (i ? ", " : "") + std::string(details[i]);
  }
  const json detail = {{"type", "string"}, {"enum", details}};
  const json schema = {
      {"type", "object"}, {"required", {"detail"}}, {"properties", {{"detail", detail}}}};
  json entry = {{"description", description},
                {"content", {{"application/json", {{"schema", schema}}}}}};
  if (status == 401) {
    entry["headers"] = {
        {"WWW-Authenticate", {{"schema", {{"type", "string"}, {"enum", {"Bearer"}}}}}}};
  } else if (status == 429) {
    entry["headers"] = {
        {"Retry-After", {{"description", "seconds to wait"}, {"schema", {{"type", "integer"}}}}}};
  }
  return entry;
}

json responses_of(const Route& route, json& components) {
  json responses = json::object();
  if (route.response) {
    const auto& body = *route.response;
    json schema = use_schema(body.schema, components);
    if (body.list) schema = {{"type", "array"}, {"items", schema}};
    for (const int status : body.statuses) {
      responses[std::to_string(status)] = {
          {"description", status < 400 ? "Successful Response" : "Not ready"},
          {"content", {{std::string(body.media_type), {{"schema", schema}}}}}};
    }
  } else {
    responses["200"] = {{"description", "Successful Response"}};
  }
  for (const auto& [status, details] : errors_of(route)) {
    if (!responses.contains(std::to_string(status))) {
      responses[std::to_string(status)] = error_entry(status, details);
    }
  }
  if (!route.query_params.empty() || route.body) {
    responses["422"] = {
        {"description", "Validation Error"},
        {"content", {{"application/json", {{"schema", ref("HTTPValidationError")}}}}}};
  }
  return responses;
}

}  // namespace

std::string derived_operation_id(std::string_view method, std::string_view pattern) {
  std::string id = to_lower(method);
  for (const char c : pattern) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte)) {
      id.push_back(static_cast<char>(std::tolower(byte)));
    } else if (!id.empty() && id.back() != '_') {
      id.push_back('_');
    }
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id;
}

json openapi_document(const std::vector<Route>& routes) {
  json components = json::object();
  use_schema(validation_error_schema(), components);
  use_schema(http_validation_error_schema(), components);
  json paths = json::object();
  for (const auto& route : routes) {
    json op;
    op["summary"] = route.summary;
    op["operationId"] = route.operation_id.empty()
                            ? derived_operation_id(route.method, route.pattern)
                            : std::string(route.operation_id);
    if (auto parameters = parameters_of(route); !parameters.empty()) {
      op["parameters"] = std::move(parameters);
    }
    if (route.body) op["requestBody"] = request_body_of(*route.body, components);
    op["responses"] = responses_of(route, components);
    if (route.needs_user) op["security"] = {{{"bearerAuth", json::array()}}};
    paths[std::string(route.pattern)][to_lower(route.method)] = op;
  }
  const json bearer = {{"type", "http"},
                       {"scheme", "bearer"},
                       {"description",
                        "the platform's access token (a JWT, or an opaque token that its "
                        "user-info endpoint knows)"}};
  json document = json::object();
  document["openapi"] = "3.0.3";
  document["info"] = {
      {"title", "audible-connect"}, {"version", "1.0.0"}, {"description", kDescription}};
  document["paths"] = std::move(paths);
  document["components"] = {{"securitySchemes", {{"bearerAuth", bearer}}}, {"schemas", components}};
  return document;
}

}  // namespace ac
