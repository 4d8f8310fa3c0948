#include "crypto/multi_fernet.h"

#include <gtest/gtest.h>

#include "crypto/base64url.h"

namespace ac {
namespace {

std::uint64_t timestamp_of(const std::string& token) {
  return FernetTokenBytes{*base64url::decode(token, base64url::Padding::kKeep)}.timestamp();
}

TEST(MultiFernet, FirstKeyEncryptsEveryKeyDecrypts) {
  const auto old_key = FernetKey::generate();
  const auto new_key = FernetKey::generate();
  const MultiFernet old_only({old_key});
  const MultiFernet both({new_key, old_key});
  const Fernet new_only(new_key);

  const auto legacy = *old_only.encrypt("refresh-token");
  EXPECT_EQ(both.decrypt(legacy)->reveal(), "refresh-token");

  const auto fresh = *both.encrypt("access-token");
  EXPECT_EQ(new_only.decrypt(fresh)->reveal(), "access-token");
  EXPECT_FALSE(old_only.decrypt(fresh));
}

TEST(MultiFernet, RotateReencryptsUnderFirstKeyAndKeepsTimestamp) {
  const auto old_key = FernetKey::generate();
  const auto new_key = FernetKey::generate();
  const Fernet old_fernet(old_key);
  std::array<std::uint8_t, 16> iv{};
  const auto legacy = *old_fernet.encrypt_at("payload", 1'700'000'000, iv);

  const MultiFernet both({new_key, old_key});
  const auto rotated = both.rotate(legacy);
  ASSERT_TRUE(rotated);
  EXPECT_EQ(timestamp_of(*rotated), 1'700'000'000u);
  EXPECT_EQ(Fernet(new_key).decrypt(*rotated)->reveal(), "payload");
  EXPECT_FALSE(old_fernet.decrypt(*rotated));
}

TEST(MultiFernet, RotateRefusesTokensNoKeyOpens) {
  const MultiFernet keys({FernetKey::generate()});
  const auto foreign = *Fernet(FernetKey::generate()).encrypt("x");
  EXPECT_EQ(keys.rotate(foreign).error(), FernetError::kBadSignature);
  EXPECT_EQ(keys.rotate("garbage").error(), FernetError::kBadBase64);
}

TEST(MultiFernet, ParsesCommaSeparatedList) {
  const auto a = FernetKey::generate().text();
  const auto b = FernetKey::generate().text();
  const auto parsed = MultiFernet::parse(a + " , " + b);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->key_count(), 2u);
  EXPECT_EQ(Fernet(*FernetKey::parse(a)).decrypt(*parsed->encrypt("x"))->reveal(), "x");
}

TEST(MultiFernet, ParseErrorNamesPositionNotValue) {
  const auto good = FernetKey::generate().text();
  const std::string bad = "not-a-key-but-maybe-a-secret";
  const auto parsed = MultiFernet::parse(good + "," + bad);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().find("key 2"), std::string::npos);
  EXPECT_EQ(parsed.error().find(bad), std::string::npos);
  EXPECT_EQ(parsed.error().find(good), std::string::npos);
  EXPECT_FALSE(MultiFernet::parse(good + ","));
}

}  // namespace
}  // namespace ac
