// Numbers from the provider are clamped where they enter (issue 11, defect 3): an expires_in of
// 2^63-1 overflowed connected_at + expires_in.

#include <gtest/gtest.h>

#include <limits>

#include "audible/api_client.h"
#include "audible/audiobook.h"
#include "oauth/provider_client.h"
#include "util/bounded_number.h"

namespace ac {
namespace {

std::int64_t expires_in_for(const std::string& value) {
  const auto grant = parse_token_answer(200, R"({"access_token":"a","expires_in":)" + value + "}");
  EXPECT_TRUE(grant) << value;
  return grant ? grant->expires_in : -1;
}

TEST(ProviderNumbers, ExpiresInIsClampedToAYear) {
  EXPECT_EQ(expires_in_for("9223372036854775807"), kMaxExpiresInSeconds);
  EXPECT_EQ(expires_in_for("18446744073709551615"), kMaxExpiresInSeconds);
  EXPECT_EQ(expires_in_for("1e300"), kMaxExpiresInSeconds);
  EXPECT_EQ(expires_in_for(R"("9223372036854775807999")"), kMaxExpiresInSeconds);
  EXPECT_EQ(expires_in_for("-9223372036854775808"), 0);
  EXPECT_EQ(expires_in_for("-1e300"), 0);
  EXPECT_EQ(expires_in_for("3600"), 3600);
  EXPECT_EQ(expires_in_for(R"("7200")"), 7200);
  EXPECT_EQ(expires_in_for("59.9"), 59);
  EXPECT_EQ(expires_in_for(R"("soon")"), kDefaultExpiresInSeconds);
  EXPECT_EQ(expires_in_for("null"), kDefaultExpiresInSeconds);
  EXPECT_EQ(expires_in_for("[1]"), kDefaultExpiresInSeconds);
}

TEST(ProviderNumbers, TokenAnswerShapes) {
  const auto rejected = parse_token_answer(400, R"({"error":"invalid_grant"})");
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, ProviderFailure::kRejected);
  EXPECT_EQ(rejected.error().oauth_error, "invalid_grant");
  EXPECT_EQ(parse_token_answer(429, R"({"error":"slow_down"})").error().kind,
            ProviderFailure::kUnavailable);
  EXPECT_EQ(parse_token_answer(200, "not json").error().kind, ProviderFailure::kUnavailable);
  EXPECT_EQ(parse_token_answer(200, R"({"refresh_token":"r"})").error().kind,
            ProviderFailure::kUnavailable);
  const auto actor = parse_token_answer(
      200,
      R"({"actor_access_token":"a","actor_refresh_token":"r","user_id":18446744073709551615})");
  ASSERT_TRUE(actor);
  EXPECT_EQ(actor->access_token.reveal(), "a");
  EXPECT_EQ(actor->refresh_token.reveal(), "r");
  EXPECT_EQ(actor->user_id, "18446744073709551615");
  EXPECT_EQ(actor->expires_in, kDefaultExpiresInSeconds);
  // A signed number is kept as its text; any other type is no user id (customer information
  // then names the user).
  EXPECT_EQ(parse_token_answer(200, R"({"access_token":"a","user_id":-42})")->user_id, "-42");
  EXPECT_EQ(parse_token_answer(200, R"({"access_token":"a","user_id":{"id":"u"}})")->user_id, "");
}

TEST(ProviderNumbers, LibraryNumbersAreClamped) {
  const auto book = audiobook_from_product(nlohmann::json::parse(
      R"({"asin":"B000000001","title":"T","runtime_length_min":9223372036854775807,
          "rating":{"overall_distribution":{"display_average_rating":1e308}}})"));
  ASSERT_TRUE(book);
  EXPECT_EQ(book->duration_minutes, kMaxDurationMinutes);
  EXPECT_EQ(book->rating, kMaxRating);

  const auto odd = audiobook_from_product(nlohmann::json::parse(
      R"({"asin":"B000000001","title":"T","runtime_length_min":-3,
          "rating":{"overall_distribution":{"display_average_rating":"nan"}}})"));
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->duration_minutes, 0);
  EXPECT_FALSE(odd->rating);

  const auto plain = audiobook_from_product(nlohmann::json::parse(
      R"({"asin":"B000000001","title":"T","runtime_length_min":"615",
          "rating":{"overall_distribution":{"display_average_rating":"4.5"}}})"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->duration_minutes, 615);
  EXPECT_EQ(plain->rating, 4.5);
}

TEST(ProviderNumbers, TotalCountIsClamped) {
  const auto page_with = [](std::string total) {
    OutboundResponse raw{200, {{"total-count", std::move(total)}}, ""};
    return parse_library_page(nlohmann::json::parse(R"({"items":[]})"), raw);
  };
  EXPECT_EQ(page_with("99999999999999999999")->total_count, kMaxTotalCount);
  EXPECT_EQ(page_with("-5")->total_count, 0);
  EXPECT_EQ(page_with("12")->total_count, 12);
  EXPECT_FALSE(page_with("12abc")->total_count);
  OutboundResponse raw{200, {}, ""};
  EXPECT_FALSE(parse_library_page(nlohmann::json::parse(R"({"items":{}})"), raw));
}

TEST(BoundedNumber, Edges) {
  const IntegerRange range{-10, 10};
  EXPECT_EQ(bounded_integer(nlohmann::json(std::numeric_limits<double>::infinity()), range), 10);
  EXPECT_FALSE(bounded_integer(nlohmann::json(std::numeric_limits<double>::quiet_NaN()), range));
  EXPECT_FALSE(bounded_integer(std::string_view(""), range));
  EXPECT_EQ(bounded_integer(std::string_view("-99999999999999999999"), range), -10);
  EXPECT_EQ(bounded_integer(nlohmann::json("1e999"), range), 10);
  EXPECT_EQ(bounded_integer(nlohmann::json("-1e999"), range), -10);
  EXPECT_FALSE(bounded_real(nlohmann::json(true), {0, 1}));
  EXPECT_FALSE(bounded_real(nlohmann::json("x"), {0, 1}));
}

}  // namespace
}  // namespace ac
