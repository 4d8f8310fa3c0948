#include "http/query.h"

#include <gtest/gtest.h>

#include "util/utf8.h"

namespace ac {
namespace {

TEST(Query, TheLastValueOfANameCounts) {
  const auto form = parse_query("limit=1&skip=3&limit=1000");
  EXPECT_EQ(form_value(form, "limit"), "1000");
  EXPECT_EQ(form_value(form, "skip"), "3");
  EXPECT_EQ(form_value(form, "q"), std::nullopt);
}

TEST(Query, MalformedEscapesAreKeptAsStarletteKeepsThem) {
  EXPECT_EQ(parse_form("q=%zz"), std::nullopt);
  const auto form = parse_query("q=%zz%4&r=a+b%20c&flag");
  EXPECT_EQ(form_value(form, "q"), "%zz%4");
  EXPECT_EQ(form_value(form, "r"), "a b c");
  EXPECT_EQ(form_value(form, "flag"), "");
}

TEST(Query, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  EXPECT_EQ(form_value(parse_query("q=a%FFb"), "q"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(form_value(parse_query("q=%C3%A9"), "q"), "\xC3\xA9");
}

TEST(Utf8, IllFormedSequencesAreReplacedOncePerMaximalSubpart) {
  EXPECT_EQ(valid_utf8("plain \xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x8E\xA7"),
            "plain \xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x8E\xA7");
  EXPECT_EQ(valid_utf8("\xE2\x9C"), "\xEF\xBF\xBD");                              // truncated: one
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong: two
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80x"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");  // past U+10FFFF
}

TEST(Utf8, CodePointsCountCharactersNotBytes) {
  EXPECT_EQ(code_points(""), 0u);
  EXPECT_EQ(code_points("ab"), 2u);
  EXPECT_EQ(code_points("\xC3\xA9\xC3\xA9"), 2u);  // "éé": 4 bytes
  EXPECT_EQ(code_points("\xF0\x9F\x8E\xA7"), 1u);  // one emoji: 4 bytes
}

}  // namespace
}  // namespace ac
