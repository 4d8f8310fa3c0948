#include "crypto/pkce.h"

#include <gtest/gtest.h>

#include <set>

namespace ac {
namespace {

TEST(Pkce, MatchesRfc7636AppendixB) {
  const std::array<std::uint8_t, 32> octets = {
      116, 24,  223, 180, 151, 153, 224, 37,  79, 250, 96, 125, 216, 173, 187, 186,
      22,  212, 37,  77,  105, 214, 191, 240, 91, 88,  5,  88,  83,  132, 141, 121};
  const PkceVerifier verifier(octets);
  EXPECT_EQ(verifier.text(), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  EXPECT_EQ(verifier.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, GeneratedVerifiersAre43UnreservedCharactersAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto verifier = PkceVerifier::generate();
    const auto text = verifier.text();
    ASSERT_EQ(text.size(), 43u);
    for (const char c : text)
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    EXPECT_EQ(verifier.challenge().size(), 43u);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace ac
