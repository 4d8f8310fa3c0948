#include "api/request_validation.h"

#include <gtest/gtest.h>

#include <limits>

namespace ac {
namespace {

using nlohmann::json;

const std::vector<QueryParam> kLibraryParams = {
    {.name = "skip", .type = QueryParam::Type::kInteger, .default_value = 0, .minimum = 0},
    {.name = "limit",
     .type = QueryParam::Type::kInteger,
     .default_value = 20,
     .minimum = 1,
     .maximum = 100},
};

const RequestBody kCallback = {.schema_name = "AudibleOAuthCallback",
                               .required = true,
                               .fields = {{"state", "", true}, {"code", ""}, {"error", ""}},
                               .one_of_required = {"code", "error"}};

TEST(LaxInteger, ReadsWhatPydanticReads) {
  EXPECT_EQ(parse_lax_integer("42"), 42);
  EXPECT_EQ(parse_lax_integer(" +42 "), 42);
  EXPECT_EQ(parse_lax_integer("-7"), -7);
  EXPECT_EQ(parse_lax_integer("1_000"), 1000);
  EXPECT_EQ(parse_lax_integer("5.00"), 5);
  EXPECT_EQ(parse_lax_integer("99999999999999999999999"), std::numeric_limits<std::int64_t>::max());
  for (const char* bad : {"", "x", "1.5", "1e3", "_1", "1_", "1__0", "0x10", "+", "1 2"}) {
    EXPECT_EQ(parse_lax_integer(bad), std::nullopt) << bad;
  }
}

TEST(QueryValidation, DefaultsAndValues) {
  ValidationErrors errors;
  EXPECT_EQ(validate_query(kLibraryParams, parse_query(""), errors),
            json({{"skip", 0}, {"limit", 20}}));
  EXPECT_EQ(validate_query(kLibraryParams, parse_query("limit=1000&limit=5&other=x"), errors),
            json({{"skip", 0}, {"limit", 5}}));
  EXPECT_TRUE(errors.empty());
}

TEST(QueryValidation, EveryFailureInFastApisShape) {
  ValidationErrors errors;
  validate_query(kLibraryParams, parse_query("skip=-1&limit=1&limit=1000"), errors);
  EXPECT_EQ(errors.detail(), json::parse(R"([
    {"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0","input":"-1"},
    {"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"1000"}])"));
  const auto response = errors.response();
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(json::parse(response.body)["detail"], errors.detail());

  ValidationErrors parsing;
  validate_query(kLibraryParams, parse_query("limit=ten"), parsing);
  EXPECT_EQ(parsing.detail(), json::parse(R"([{"type":"int_parsing","loc":["query","limit"],
    "msg":"Input should be a valid integer, unable to parse string as an integer","input":"ten"}])"));
}

TEST(QueryValidation, RequiredAndStringLengthsInCharacters) {
  const std::vector<QueryParam> params = {
      {.name = "q", .required = true, .max_length = 3},
      {.name = "platform", .default_value = "web", .min_length = 1, .max_length = 32}};
  ValidationErrors errors;
  validate_query(params, parse_query("platform="), errors);
  EXPECT_EQ(errors.detail(), json::parse(R"([
    {"type":"missing","loc":["query","q"],"msg":"Field required","input":null},
    {"type":"string_too_short","loc":["query","platform"],"msg":"String should have at least 1 character","input":""}])"));

  ValidationErrors fine;
  EXPECT_EQ(validate_query(params, parse_query("q=%C3%A9%C3%A9%C3%A9"), fine)["q"],
            "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_TRUE(fine.empty());
  ValidationErrors too_long;
  validate_query(params, parse_query("q=abcd"), too_long);
  EXPECT_EQ(too_long.detail()[0]["msg"], "String should have at most 3 characters");
}

TEST(BodyValidation, TheCallbackModel) {
  const auto check = [](const json& body) {
    ValidationErrors errors;
    validate_body(kCallback, body, errors);
    return errors.detail();
  };
  EXPECT_EQ(check(json::parse(R"({"state":"s","code":"c"})")), json::array());
  EXPECT_EQ(check(json::parse(R"({"state":"s","error":"access_denied","code":null})")),
            json::array());
  EXPECT_EQ(
      check(nullptr),
      json::parse(R"([{"type":"missing","loc":["body"],"msg":"Field required","input":null}])"));
  EXPECT_EQ(check(json::parse(R"(["a"])")), json::parse(R"([{"type":"model_attributes_type",
      "loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":["a"]}])"));
  EXPECT_EQ(
      check(json::parse(R"({"code":"x"})")),
      json::parse(
          R"([{"type":"missing","loc":["body","state"],"msg":"Field required","input":{"code":"x"}}])"));
  EXPECT_EQ(check(json::parse(R"({"state":5,"code":7})")), json::parse(R"([
      {"type":"string_type","loc":["body","state"],"msg":"Input should be a valid string","input":5},
      {"type":"string_type","loc":["body","code"],"msg":"Input should be a valid string","input":7}])"));
  EXPECT_EQ(check(json::parse(R"({"state":"s"})")), json::parse(R"([{"type":"value_error",
      "loc":["body"],"msg":"Value error, code or error is required","input":{"state":"s"}}])"));
  EXPECT_EQ(check({{"state", std::string(4097, 's')}, {"code", "c"}})[0]["type"],
            "string_too_long");
}

TEST(BodyValidation, AnOptionalBodyMayBeAbsent) {
  const RequestBody optional = {.schema_name = "AudibleOAuthRequest",
                                .fields = {{"redirect_uri", ""}}};
  ValidationErrors errors;
  EXPECT_EQ(validate_body(optional, nullptr, errors), json::object());
  EXPECT_TRUE(errors.empty());
  validate_body(optional, {{"redirect_uri", 3}}, errors);
  EXPECT_EQ(errors.detail()[0]["loc"], json({"body", "redirect_uri"}));
}

}  // namespace
}  // namespace ac
