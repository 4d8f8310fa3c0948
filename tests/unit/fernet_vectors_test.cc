// The Fernet specification's published vectors (tests/data/fernet, from github.com/fernet/spec).

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "crypto/fernet.h"

namespace ac {
namespace {

nlohmann::json load(const std::string& name) {
  std::ifstream in(std::string(AC_TEST_DATA_DIR) + "/fernet/" + name);
  return nlohmann::json::parse(in);
}

// "1985-10-26T01:20:00-07:00" to seconds since the epoch.
std::int64_t parse_time(const std::string& text) {
  std::tm tm{};
  int offset_h = 0;
  int offset_m = 0;
  char sign = '+';
  EXPECT_EQ(
      std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &offset_h, &offset_m),
      9);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::int64_t offset = (offset_h * 3600 + offset_m * 60) * (sign == '-' ? -1 : 1);
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

Fernet fernet_for(const nlohmann::json& vector) {
  auto key = FernetKey::parse(vector["secret"].get<std::string>());
  EXPECT_TRUE(key);
  return Fernet(*key);
}

TEST(FernetSpecVectors, Generate) {
  const auto vectors = load("generate.json");
  ASSERT_FALSE(vectors.empty());
  for (const auto& v : vectors) {
    std::array<std::uint8_t, 16> iv{};
    for (std::size_t i = 0; i < 16; ++i) iv[i] = v["iv"][i].get<std::uint8_t>();
    const auto token = fernet_for(v).encrypt_at(
        v["src"].get<std::string>(), static_cast<std::uint64_t>(parse_time(v["now"])), iv);
    ASSERT_TRUE(token);
    EXPECT_EQ(*token, v["token"].get<std::string>());
  }
}

TEST(FernetSpecVectors, Verify) {
  const auto vectors = load("verify.json");
  ASSERT_FALSE(vectors.empty());
  for (const auto& v : vectors) {
    const auto plaintext = fernet_for(v).decrypt_at(
        v["token"].get<std::string>(), v["ttl_sec"].get<std::int64_t>(), parse_time(v["now"]));
    ASSERT_TRUE(plaintext);
    EXPECT_EQ(plaintext->reveal(), v["src"].get<std::string>());
  }
}

TEST(FernetSpecVectors, Invalid) {
  const auto vectors = load("invalid.json");
  ASSERT_EQ(vectors.size(), 11u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v["desc"].get<std::string>());
    const auto plaintext = fernet_for(v).decrypt_at(
        v["token"].get<std::string>(), v["ttl_sec"].get<std::int64_t>(), parse_time(v["now"]));
    EXPECT_FALSE(plaintext);
  }
}

TEST(FernetSpecVectors, InvalidOnesFailForTheStatedReason) {
  const std::map<std::string, FernetError> reasons = {
      {"incorrect mac", FernetError::kBadSignature},
      {"too short", FernetError::kTooShort},
      {"invalid base64", FernetError::kBadBase64},
      {"payload size not multiple of block size", FernetError::kBadLength},
      {"payload padding error", FernetError::kBadPadding},
      {"far-future TS (unacceptable clock skew)", FernetError::kFromTheFuture},
      {"expired TTL", FernetError::kExpired},
      {"incorrect IV (causes padding error)", FernetError::kBadPadding},
      {"trailing characters after b64 padding", FernetError::kBadBase64},
      {"invalid characters in b64", FernetError::kBadBase64},
      {"invalid non-urlsafe characters in b64", FernetError::kBadBase64},
  };
  for (const auto& v : load("invalid.json")) {
    const auto desc = v["desc"].get<std::string>();
    SCOPED_TRACE(desc);
    const auto plaintext = fernet_for(v).decrypt_at(
        v["token"].get<std::string>(), v["ttl_sec"].get<std::int64_t>(), parse_time(v["now"]));
    ASSERT_FALSE(plaintext);
    EXPECT_EQ(plaintext.error(), reasons.at(desc));
  }
}

}  // namespace
}  // namespace ac
