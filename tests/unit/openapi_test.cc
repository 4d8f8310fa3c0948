#include "api/openapi.h"

#include <gtest/gtest.h>

#include "api/schemas.h"

namespace ac {
namespace {

using nlohmann::json;

// A route declared the way a later one would be (an admin listing, say): it documents itself.
std::vector<Route> table() {
  return {{.method = "GET",
           .pattern = "/api/v1/admin/things/{id}",
           .summary = "Things",
           .needs_configured = true,
           .query_params = {{.name = "limit",
                             .type = QueryParam::Type::kInteger,
                             .description = "how many",
                             .default_value = 50,
                             .minimum = 1,
                             .maximum = 500}},
           .response = ResponseBody{.schema = audiobook_schema(), .list = true},
           .errors = {{403, "admin_required"}, {503, "audible_service_unavailable"}}},
          {.method = "POST",
           .pattern = "/callback",
           .summary = "Callback",
           .operation_id = "handle_callback",
           .needs_user = false,
           .body = RequestBody{.schema_name = "Callback",
                               .required = true,
                               .fields = {{"state", "the state", true}, {"code", "the code"}},
                               .one_of_required = {"code"}}}};
}

TEST(OpenApi, OperationIdsAreSnakeCase) {
  EXPECT_EQ(derived_operation_id("GET", "/api/v1/user/audible/{asin}/play-url"),
            "get_api_v1_user_audible_asin_play_url");
  const auto doc = openapi_document(table());
  EXPECT_EQ(doc["paths"]["/api/v1/admin/things/{id}"]["get"]["operationId"],
            "get_api_v1_admin_things_id");
  EXPECT_EQ(doc["paths"]["/callback"]["post"]["operationId"], "handle_callback");
}

TEST(OpenApi, OneResponsePerStatusWithItsDetailsAsAnEnum) {
  const auto doc = openapi_document(table());
  const auto& responses = doc["paths"]["/api/v1/admin/things/{id}"]["get"]["responses"];
  const auto details = [&](const char* status) {
    return responses[status]["content"]["application/json"]["schema"]["properties"]["detail"]
                    ["enum"];
  };
  EXPECT_EQ(details("403"), json({"audible_requires_premium", "admin_required"}));
  EXPECT_EQ(details("503"), json({"auth_service_unavailable", "audible_integration_not_configured",
                                  "audible_service_unavailable"}));
  EXPECT_EQ(details("401"), json({"Could not validate credentials"}));
  EXPECT_EQ(responses["429"]["headers"].contains("Retry-After"), true);
  EXPECT_EQ(responses["422"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/HTTPValidationError");
  EXPECT_EQ(responses["200"]["content"]["application/json"]["schema"],
            json::parse(R"({"type":"array","items":{"$ref":"#/components/schemas/Audiobook"}})"));
  EXPECT_EQ(doc["paths"]["/api/v1/admin/things/{id}"]["get"]["security"],
            json::parse(R"([{"bearerAuth":[]}])"));
}

TEST(OpenApi, ParametersAndBodiesCarryTheirDeclarations) {
  const auto doc = openapi_document(table());
  const auto& get = doc["paths"]["/api/v1/admin/things/{id}"]["get"];
  EXPECT_EQ(get["parameters"][0], json::parse(R"({"name":"id","in":"path","required":true,
                                                  "schema":{"type":"string"}})"));
  EXPECT_EQ(get["parameters"][1]["schema"],
            json::parse(R"({"type":"integer","minimum":1,"maximum":500,"default":50})"));
  const auto& post = doc["paths"]["/callback"]["post"];
  EXPECT_FALSE(post.contains("security"));
  EXPECT_EQ(post["requestBody"]["required"], true);
  const auto& body = doc["components"]["schemas"]["Callback"];
  EXPECT_EQ(body["required"], json({"state"}));
  EXPECT_EQ(body["properties"]["code"]["nullable"], true);
  EXPECT_EQ(body["anyOf"], json::parse(R"([{"required":["code"]}])"));
  EXPECT_EQ(post["responses"]["400"]["content"]["application/json"]["schema"]["properties"]
                ["detail"]["enum"],
            json({"invalid_json"}));
}

TEST(OpenApi, EveryReferenceResolves) {
  const auto doc = openapi_document(table());
  std::vector<std::string> refs;
  const std::function<void(const json&)> walk = [&](const json& node) {
    if (node.is_object() && node.contains("$ref")) refs.push_back(node["$ref"]);
    if (node.is_structured()) {
      for (const auto& child : node) walk(child);
    }
  };
  walk(doc);
  EXPECT_FALSE(refs.empty());
  for (const auto& r : refs) {
    ASSERT_TRUE(r.starts_with("#/components/schemas/")) << r;
    EXPECT_TRUE(doc["components"]["schemas"].contains(r.substr(21))) << r;
  }
}

}  // namespace
}  // namespace ac
