#include "crypto/base64url.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

std::vector<std::uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }

TEST(Base64Url, EncodesRfc4648Vectors) {
  // RFC 4648 section 10, in the URL-safe alphabet.
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64url::encode(bytes(plain), base64url::Padding::kKeep), encoded);
    EXPECT_EQ(base64url::decode(encoded, base64url::Padding::kKeep), bytes(plain));
  }
}

TEST(Base64Url, UsesUrlSafeAlphabet) {
  const std::vector<std::uint8_t> data{0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64url::encode(data, base64url::Padding::kKeep), "-_-_");
  EXPECT_EQ(base64url::decode("-_-_", base64url::Padding::kKeep), data);
  EXPECT_FALSE(base64url::decode("+/+/", base64url::Padding::kKeep));
}

TEST(Base64Url, StripModeRoundTrips) {
  for (std::size_t n = 0; n < 40; ++n) {
    std::vector<std::uint8_t> data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const auto text = base64url::encode(data, base64url::Padding::kStrip);
    EXPECT_EQ(text.find('='), std::string::npos);
    EXPECT_EQ(base64url::decode(text, base64url::Padding::kStrip), data);
  }
}

TEST(Base64Url, RejectsMalformedText) {
  using base64url::Padding;
  EXPECT_FALSE(base64url::decode("Zg", Padding::kKeep));      // padding missing
  EXPECT_FALSE(base64url::decode("Zg==", Padding::kStrip));   // padding where none allowed
  EXPECT_FALSE(base64url::decode("Zg=a", Padding::kKeep));    // '=' inside
  EXPECT_FALSE(base64url::decode("Z===", Padding::kKeep));    // too much padding
  EXPECT_FALSE(base64url::decode("Zh==", Padding::kKeep));    // stray low bits
  EXPECT_FALSE(base64url::decode("Zm9v\n", Padding::kKeep));  // whitespace
  EXPECT_FALSE(base64url::decode("Zm9vY", Padding::kStrip));  // impossible length
  EXPECT_FALSE(base64url::decode("Zm9v Yg==", Padding::kKeep));
}

}  // namespace
}  // namespace ac
