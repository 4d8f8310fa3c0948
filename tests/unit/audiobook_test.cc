#include "audible/audiobook.h"

#include <gtest/gtest.h>

#include "api/library_routes.h"

namespace ac {
namespace {

// A library item in the shape Audible's /1.0/library returns with the contract's response_groups.
const char* kItem = R"({
  "asin": "B002V1OF70", "title": "The Hobbit", "subtitle": "Or There and Back Again",
  "authors": [{"asin": "B000AP9A6K", "name": "J.R.R. Tolkien"}],
  "narrators": [{"name": "Andy Serkis"}, {"name": "Rob Inglis"}],
  "runtime_length_min": 660,
  "product_images": {"500": "https://m.media-amazon.com/images/I/51abc._SL500_.jpg"},
  "publisher_summary": "<p>Bilbo Baggins...</p>",
  "rating": {"overall_distribution": {"display_average_rating": "4.8", "num_ratings": 1}},
  "purchase_date": "2021-05-01T10:00:00.000Z", "status": "Active"
})";

TEST(Audiobook, MapsAudibleItems) {
  const auto book = audiobook_from_product(nlohmann::json::parse(kItem));
  ASSERT_TRUE(book);
  const auto json = to_json(*book);
  EXPECT_EQ(json["asin"], "B002V1OF70");
  EXPECT_EQ(json["title"], "The Hobbit");
  EXPECT_EQ(json["author"], "J.R.R. Tolkien");
  EXPECT_EQ(json["narrator"], "Andy Serkis, Rob Inglis");
  EXPECT_EQ(json["image"], "https://m.media-amazon.com/images/I/51abc._SL500_.jpg");
  EXPECT_EQ(json["description"], "<p>Bilbo Baggins...</p>");
  EXPECT_EQ(json["duration_minutes"], 660);
  EXPECT_DOUBLE_EQ(json["rating"].get<double>(), 4.8);
  EXPECT_EQ(json["is_owned"], false);
  EXPECT_EQ(json["source"], "audible");
  EXPECT_EQ(json.size(), 10u);
  EXPECT_EQ(book->purchase_date, "2021-05-01T10:00:00.000Z");
}

TEST(Audiobook, UnknownFieldsAreNull) {
  const auto book = audiobook_from_product(
      nlohmann::json::parse(R"({"asin": "B000000001", "title": "Bare", "authors": "not a list",
                                "rating": {"overall_distribution": {"display_average_rating": "n/a"}}})"));
  ASSERT_TRUE(book);
  const auto json = to_json(*book);
  for (const char* field :
       {"author", "narrator", "image", "description", "duration_minutes", "rating"}) {
    EXPECT_TRUE(json[field].is_null()) << field;
  }
  EXPECT_DOUBLE_EQ(to_json(*audiobook_from_product(nlohmann::json::parse(
                       R"({"asin":"B000000001","title":"t","rating":{"overall_distribution":
                                  {"display_average_rating":4.25}}})")))["rating"]
                       .get<double>(),
                   4.25);
}

TEST(Audiobook, EmptyProductsAreNotBooks) {
  EXPECT_FALSE(audiobook_from_product(nlohmann::json::object()));
  EXPECT_FALSE(audiobook_from_product(nlohmann::json::parse(R"({"asin": "B000000001"})")));
  EXPECT_FALSE(audiobook_from_product(nlohmann::json::parse(R"({"title": "No asin"})")));
  EXPECT_FALSE(audiobook_from_product(nlohmann::json::parse("[1, 2]")));
}

TEST(Audiobook, AsinShape) {
  EXPECT_TRUE(is_valid_asin("B002V1OF70"));
  EXPECT_TRUE(is_valid_asin("1234567890"));
  for (const char* bad :
       {"", "B002V1OF7", "B002V1OF700", "b002v1of70", "B002V1OF7/", "B002 1OF70"}) {
    EXPECT_FALSE(is_valid_asin(bad)) << bad;
  }
}

TEST(Audiobook, MarketplaceDomainFromApiHost) {
  EXPECT_EQ(marketplace_domain("https://api.audible.com"), "com");
  EXPECT_EQ(marketplace_domain("https://api.audible.co.uk"), "co.uk");
  EXPECT_EQ(marketplace_domain("https://api.audible.de/"), "de");
  EXPECT_EQ(marketplace_domain("http://127.0.0.1:8001"), "com");
  EXPECT_EQ(marketplace_domain("https://api.audible."), "com");
}

}  // namespace
}  // namespace ac
