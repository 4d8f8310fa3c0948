#include "util/json_text.h"

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <random>

namespace ac {
namespace {

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(as_json_string("a\"b\\c\n\x01 d"), R"("a\"b\\c\u000a\u0001 d")");
}

TEST(JsonText, KeepsValidUtf8AsItIs) { EXPECT_EQ(as_json_string("é – 日本 🎧"), "\"é – 日本 🎧\""); }

TEST(JsonText, ReplacesIllFormedUtf8AsNlohmannDoes) {
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, above U+10FFFF.
  EXPECT_EQ(as_json_string("a\x80z"), "\"a\xEF\xBF\xBDz\"");
  EXPECT_EQ(as_json_string("\xE6\x97"), "\"\xEF\xBF\xBD\"");
  EXPECT_EQ(as_json_string("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(as_json_string("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(as_json_string("\xF4\x90\x80\x80"),
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

// Whatever the bytes, the output parses, and valid input comes back unchanged.
TEST(JsonText, AnyBytesMakeValidJson) {
  std::mt19937 random(7);
  for (int round = 0; round < 20'000; ++round) {
    std::string text(random() % 12, '\0');
    for (auto& c : text) c = static_cast<char>(random() % 256);
    const auto parsed = nlohmann::json::parse(as_json_string(text), nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << round;
    const auto reference =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(parsed.dump(), nlohmann::json::parse(reference).dump()) << round;
  }
}

// Plain text goes 8 bytes at a time (issue 12): a byte that needs care is found wherever it is.
TEST(JsonText, FindsASpecialByteAtEveryPositionOfLongText) {
  for (const std::string special : {"\x01", "\n", "\x1f", "\"", "\\", "\xC3\xA9", "\xFF", "\x7f"}) {
    const std::string escaped =
        as_json_string(special).substr(1, as_json_string(special).size() - 2);
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        const std::string before(at, 'a' + static_cast<char>(at % 26));
        const std::string after(length - at - 1, '~');
        EXPECT_EQ(as_json_string(before + special + after), '"' + before + escaped + after + '"')
            << at << " of " << length;
      }
    }
  }
}

// Whole thousandths (the access line's duration_ms) take a shorter path (issue 12) to the same
// text as std::to_chars; every one below 10^5 was checked once, these on every run.
TEST(JsonText, WritesThousandthsAsToCharsDoes) {
  const auto to_chars_text = [](double number) {
    std::array<char, 32> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
    return std::string(buffer.data(), result.ptr);
  };
  const auto written = [](double number) {
    std::string out;
    append_json_number(out, number);
    return out;
  };
  for (std::int64_t k = 0; k < 2'000'000; ++k) {
    const double number = static_cast<double>(k) / 1000;
    ASSERT_EQ(written(number), to_chars_text(number)) << k;
  }
  std::mt19937_64 random(12);
  for (int round = 0; round < 200'000; ++round) {
    const double number = static_cast<double>(random() % 100'000'001) / 1000;
    ASSERT_EQ(written(number), to_chars_text(number)) << number;
  }
  for (const double other : {-0.0, -0.001, 0.1 + 0.2, 1e-4, 99999.9995, 100000.0, 1e300}) {
    EXPECT_EQ(written(other), to_chars_text(other)) << other;
  }
}

TEST(JsonText, WritesScalarsDirectlyAndNonFiniteNumbersAsNull) {
  const auto as_json = [](const nlohmann::json& value) {
    std::string out;
    append_json_value(out, value);
    return out;
  };
  EXPECT_EQ(as_json(-42), "-42");
  EXPECT_EQ(as_json(18446744073709551615ull), "18446744073709551615");
  EXPECT_EQ(as_json(0.125), "0.125");
  EXPECT_EQ(nlohmann::json::parse(as_json(1.0 / 3)).get<double>(), 1.0 / 3);
  EXPECT_EQ(as_json(std::nan("")), "null");
  EXPECT_EQ(as_json(true), "true");
  EXPECT_EQ(as_json(nullptr), "null");
  EXPECT_EQ(as_json(nlohmann::json{{"a", 1}}), R"({"a":1})");
}

}  // namespace
}  // namespace ac
