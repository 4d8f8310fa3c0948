#include "api/responses.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(Responses, JsonStringsRoundTripThroughAJsonParser) {
  const std::string tricky = std::string("quote\" backslash\\ newline\n tab\t nul") + '\0' +
                             " bell\x07 utf8 \xc3\xa9\xe2\x9c\x93 url https://a/b?c=d&e=%20";
  const auto response = json_strings_response(200, {{"a", tricky}, {"b\"key", "plain"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  const auto parsed = nlohmann::json::parse(response.body);
  EXPECT_EQ(parsed["a"].get<std::string>(), tricky);
  EXPECT_EQ(parsed["b\"key"].get<std::string>(), "plain");
  EXPECT_EQ(parsed.size(), 2u);
}

TEST(Responses, ErrorsAreDetailObjects) {
  const auto response = error_response(404, "not_found");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(nlohmann::json::parse(response.body), nlohmann::json({{"detail", "not_found"}}));
}

TEST(Responses, Iso8601) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(1'795'000'000), "2026-11-18T11:06:40Z");
  EXPECT_TRUE(iso8601(std::nullopt).is_null());
}

}  // namespace
}  // namespace ac
