// JwtVerifier with a JWKS: keys chosen by kid, no algorithm confusion across key types, key
// rotation (a removed key stops passing, cached tokens included), and a JWKS that never answered.

#include <gtest/gtest.h>

#include "auth/jwt_verifier.h"
#include "fake_fetch.h"
#include "jwt_test_keys.h"

namespace ac {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kSecret = "unit-test-secret-of-32-bytes-and-more";

class JwtJwksTest : public ::testing::Test {
 protected:
  void SetUp() override { serve({rsa_.jwk("r1"), ec_.jwk("e1")}); }

  void serve(std::initializer_list<nlohmann::json> keys) {
    fetch_.answer(200, nlohmann::json{{"keys", keys}}.dump(), {{"cache-control", "max-age=60"}});
  }

  JwtVerifier verifier(std::string pem = "") {
    return *JwtVerifier::create(JwtOptions{
        .hs256_secret = Secret(std::string(kSecret)),
        .public_key_pem = std::move(pem),
        .jwks = std::make_shared<JwksSource>("https://idp.example/jwks", fetch_.function())});
  }

  nlohmann::json claims_ = {{"sub", "u"}, {"exp", kNow + 600}};
  testing::TestKey rsa_ = testing::TestKey::rsa();
  testing::TestKey ec_ = testing::TestKey::p256();
  testing::FakeFetch fetch_;
};

TEST_F(JwtJwksTest, KidChoosesTheKey) {
  const auto v = verifier();
  EXPECT_TRUE(v.verify(rsa_.sign({{"alg", "RS256"}, {"kid", "r1"}}, claims_), kNow));
  EXPECT_TRUE(v.verify(ec_.sign({{"alg", "ES256"}, {"kid", "e1"}}, claims_), kNow));
  // No kid: every key of the alg's type is tried.
  EXPECT_TRUE(v.verify(rsa_.sign({{"alg", "RS256"}}, claims_), kNow));
  EXPECT_TRUE(v.verify(testing::hs256_token({{"alg", "HS256"}}, claims_, kSecret), kNow));
  EXPECT_EQ(v.verify(testing::TestKey::rsa().sign({{"alg", "RS256"}, {"kid", "r1"}}, claims_), kNow)
                .error(),
            JwtError::kBadSignature);
  EXPECT_EQ(v.verify(rsa_.sign({{"alg", "RS256"}, {"kid", "nobody"}}, claims_), kNow).error(),
            JwtError::kUnknownKey);
  EXPECT_EQ(fetch_.calls(), 1);  // the first use fetched; the unknown kid is within 30 s
}

TEST_F(JwtJwksTest, AKidNamingAKeyOfAnotherTypeIsRefused) {
  const auto v = verifier();
  // An RSA signature presented as ES256 with the EC key's kid, and the reverse.
  EXPECT_EQ(v.verify(rsa_.sign({{"alg", "RS256"}, {"kid", "e1"}}, claims_), kNow).error(),
            JwtError::kKeyTypeMismatch);
  EXPECT_EQ(v.verify(ec_.sign({{"alg", "ES256"}, {"kid", "r1"}}, claims_), kNow).error(),
            JwtError::kKeyTypeMismatch);
  // HS256 naming a public key's kid, with that key's PEM as the HMAC secret.
  EXPECT_EQ(
      v.verify(testing::hs256_token({{"alg", "HS256"}, {"kid", "r1"}}, claims_, rsa_.public_pem()),
               kNow)
          .error(),
      JwtError::kKeyTypeMismatch);
  // ... and without the kid, the public key's bytes are still no HMAC secret.
  EXPECT_EQ(
      v.verify(testing::hs256_token({{"alg", "HS256"}}, claims_, rsa_.public_pem()), kNow).error(),
      JwtError::kBadSignature);
}

TEST_F(JwtJwksTest, PemKeyAndJwksTogether) {
  const auto pem_key = testing::TestKey::rsa();
  const auto v = verifier(pem_key.public_pem());
  EXPECT_TRUE(v.verify(pem_key.sign({{"alg", "RS256"}}, claims_), kNow));
  EXPECT_TRUE(v.verify(rsa_.sign({{"alg", "RS256"}}, claims_), kNow));
  // A kid no JWKS holds falls back to the PEM key.
  EXPECT_TRUE(v.verify(pem_key.sign({{"alg", "RS256"}, {"kid", "pem"}}, claims_), kNow));
  EXPECT_EQ(v.verify(rsa_.sign({{"alg", "RS256"}, {"kid", "pem"}}, claims_), kNow).error(),
            JwtError::kBadSignature);
}

TEST_F(JwtJwksTest, RotationWithoutRestart) {
  const auto v = verifier();
  const auto old_token = rsa_.sign({{"alg", "RS256"}, {"kid", "r1"}}, claims_);
  ASSERT_TRUE(v.verify(old_token, kNow));
  ASSERT_TRUE(v.verify(old_token, kNow + 1));  // cached

  const auto next = testing::TestKey::rsa();
  serve({next.jwk("r2")});
  const auto new_token = next.sign({{"alg", "RS256"}, {"kid", "r2"}}, claims_);
  // Within 30 s of the last fetch and while the keys are fresh, an unknown kid waits.
  EXPECT_EQ(v.verify(new_token, kNow + 20).error(), JwtError::kUnknownKey);
  EXPECT_TRUE(v.verify(new_token, kNow + 30));  // refetched for the unknown kid
  EXPECT_EQ(fetch_.calls(), 2);
  // The old key left the set: the token that verified before (and was cached) fails now.
  EXPECT_EQ(v.verify(old_token, kNow + 31).error(), JwtError::kUnknownKey);
  EXPECT_TRUE(v.verify(new_token, kNow + 32));
}

TEST_F(JwtJwksTest, RemovedKeyStopsPassingWhenTheKeysExpire) {
  const auto v = verifier();
  const auto token = ec_.sign({{"alg", "ES256"}, {"kid", "e1"}}, claims_);
  ASSERT_TRUE(v.verify(token, kNow));
  serve({rsa_.jwk("r1")});
  EXPECT_TRUE(v.verify(token, kNow + 59));  // the keys are fresh for max-age=60
  EXPECT_FALSE(v.verify(token, kNow + 60));
}

TEST_F(JwtJwksTest, NoKeysYetIsUnavailableNotUnauthorized) {
  fetch_.fail(TransportError::kConnect);
  const auto v = verifier();
  EXPECT_EQ(v.verify(rsa_.sign({{"alg", "RS256"}, {"kid", "r1"}}, claims_), kNow).error(),
            JwtError::kKeysUnavailable);
  EXPECT_EQ(v.verify(rsa_.sign({{"alg", "RS256"}}, claims_), kNow).error(),
            JwtError::kKeysUnavailable);
  // HS256 tokens do not need the JWKS.
  EXPECT_TRUE(v.verify(testing::hs256_token({{"alg", "HS256"}}, claims_, kSecret), kNow));
  EXPECT_TRUE(v.may_block());
}

}  // namespace
}  // namespace ac
