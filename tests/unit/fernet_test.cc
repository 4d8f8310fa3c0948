#include "crypto/fernet.h"

#include <gtest/gtest.h>

#include "crypto/base64url.h"

namespace ac {
namespace {

constexpr std::string_view kSpecKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

Fernet make_fernet(std::string_view key_text = kSpecKey) {
  return Fernet(*FernetKey::parse(key_text));
}

std::string reencode(const std::vector<std::uint8_t>& bytes) {
  return base64url::encode(bytes, base64url::Padding::kKeep);
}

std::vector<std::uint8_t> decode(const std::string& token) {
  return *base64url::decode(token, base64url::Padding::kKeep);
}

TEST(Fernet, RoundTripsAnyBytes) {
  const Fernet fernet = make_fernet();
  for (std::size_t size : {0, 1, 15, 16, 17, 1024, 65536}) {
    std::string plaintext(size, '\0');
    for (std::size_t i = 0; i < size; ++i) plaintext[i] = static_cast<char>(i * 7);
    const auto token = fernet.encrypt(plaintext);
    ASSERT_TRUE(token);
    EXPECT_TRUE(token->starts_with("gAAAAA"));
    const auto back = fernet.decrypt(*token);
    ASSERT_TRUE(back) << describe(back.error());
    EXPECT_EQ(back->reveal(), plaintext);
  }
}

TEST(Fernet, EachEncryptionUsesAFreshIv) {
  const Fernet fernet = make_fernet();
  EXPECT_NE(*fernet.encrypt("same"), *fernet.encrypt("same"));
}

TEST(Fernet, RejectsAnotherKey) {
  const auto token = *make_fernet().encrypt("secret token");
  const auto result = Fernet(FernetKey::generate()).decrypt(token);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), FernetError::kBadSignature);
}

TEST(Fernet, RejectsEveryFlippedBit) {
  const Fernet fernet = make_fernet();
  const auto token = *fernet.encrypt("a token worth protecting");
  const auto bytes = decode(token);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto tampered = bytes;
      tampered[i] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(fernet.decrypt(reencode(tampered))) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(Fernet, RejectsEveryTruncation) {
  const Fernet fernet = make_fernet();
  const auto token = *fernet.encrypt("truncate me");
  for (std::size_t len = 0; len < token.size(); ++len) {
    EXPECT_FALSE(fernet.decrypt(token.substr(0, len))) << len;
  }
  const auto bytes = decode(token);
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    const auto shorter = reencode({bytes.begin(), bytes.begin() + static_cast<long>(len)});
    EXPECT_FALSE(fernet.decrypt(shorter)) << len;
  }
}

TEST(Fernet, RejectsBadVersionByte) {
  const Fernet fernet = make_fernet();
  auto bytes = decode(*fernet.encrypt("x"));
  bytes[0] = 0x81;
  const auto result = fernet.decrypt(reencode(bytes));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), FernetError::kBadVersion);
}

TEST(Fernet, RejectsBadBase64AndEmptyInput) {
  const Fernet fernet = make_fernet();
  EXPECT_EQ(fernet.decrypt("").error(), FernetError::kEmpty);
  EXPECT_EQ(fernet.decrypt("not base64 at all!").error(), FernetError::kBadBase64);
  auto token = *fernet.encrypt("x");
  token.pop_back();  // drops padding
  EXPECT_EQ(fernet.decrypt(token).error(), FernetError::kBadBase64);
  EXPECT_EQ(fernet.decrypt(" " + *fernet.encrypt("x")).error(), FernetError::kBadBase64);
}

TEST(Fernet, RefusesTenMegabyteInputs) {
  const Fernet fernet = make_fernet();
  const std::string huge(10 * 1024 * 1024, 'A');
  EXPECT_EQ(fernet.decrypt(huge).error(), FernetError::kTooLarge);
  EXPECT_EQ(fernet.encrypt(huge).error(), FernetError::kTooLarge);
}

TEST(Fernet, HonoursTtlAndClockSkew) {
  const Fernet fernet = make_fernet();
  std::array<std::uint8_t, 16> iv{};
  const auto token = *fernet.encrypt_at("timed", 1'000'000, iv);
  EXPECT_TRUE(fernet.decrypt_at(token, 60, 1'000'060));
  EXPECT_EQ(fernet.decrypt_at(token, 60, 1'000'061).error(), FernetError::kExpired);
  EXPECT_TRUE(fernet.decrypt_at(token, 60, 1'000'000 - 60));
  EXPECT_EQ(fernet.decrypt_at(token, 60, 1'000'000 - 61).error(), FernetError::kFromTheFuture);
  EXPECT_TRUE(fernet.decrypt_at(token, std::nullopt, 9'999'999'999));  // no TTL: no time check
}

TEST(FernetKey, ParsesOnlyCanonicalKeys) {
  EXPECT_TRUE(FernetKey::parse(kSpecKey));
  EXPECT_FALSE(FernetKey::parse(""));
  EXPECT_FALSE(FernetKey::parse("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4"));   // unpadded
  EXPECT_FALSE(FernetKey::parse("cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4="));  // wrong alphabet
  EXPECT_FALSE(FernetKey::parse("c2hvcnQ="));                                      // 5 bytes
  EXPECT_FALSE(FernetKey::parse(std::string(kSpecKey) + "AAAA"));                  // too long
  EXPECT_FALSE(FernetKey::parse("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4= "));
}

TEST(FernetKey, GeneratesDistinctKeysInKeyFormat) {
  const auto a = FernetKey::generate().text();
  const auto b = FernetKey::generate().text();
  EXPECT_EQ(a.size(), 44u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(FernetKey::parse(a));
}

}  // namespace
}  // namespace ac
