// JwtVerifier on hand-made HS256 tokens and a PEM public key; JWKS keys are in
// jwt_jwks_test.cc, PyJWT-minted tokens in tests/e2e/test_jwt.py and test_users.py.

#include "auth/jwt_verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"
#include "jwt_test_keys.h"

namespace ac {
namespace {

constexpr std::string_view kSecret = "unit-test-secret";
constexpr std::int64_t kNow = 1'800'000'000;

std::string b64(std::string_view text) {
  return base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
      base64url::Padding::kStrip);
}

std::string token(const nlohmann::json& claims, std::string_view secret = kSecret,
                  std::string_view alg = "HS256") {
  const std::string signed_part =
      b64(nlohmann::json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." + b64(claims.dump());
  return signed_part + "." +
         base64url::encode(hmac_sha256(secret, signed_part), base64url::Padding::kStrip);
}

JwtVerifier verifier(std::string issuer = "", std::string audience = "") {
  return *JwtVerifier::create(JwtOptions{Secret(std::string(kSecret)), "", issuer, audience});
}

// The user a token names, as verify() reports it.
std::expected<User, JwtError> user_of(const JwtVerifier& v, const std::string& t) {
  auto verified = v.verify(t, kNow);
  if (!verified) return std::unexpected(verified.error());
  return verified->user;
}

TEST(JwtVerifier, ClaimsBecomeAUser) {
  const auto v = verifier();
  auto user =
      user_of(v, token({{"sub", "u1"}, {"exp", kNow + 60}, {"subscription_tier", "family"}}));
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, "u1");
  EXPECT_EQ(user->subscription_tier, "family");
  EXPECT_FALSE(user->is_admin);
  EXPECT_TRUE(user->is_active);
  EXPECT_TRUE(user->has_premium_access());

  user = user_of(
      v, token({{"sub", 42}, {"exp", kNow + 60}, {"role", "super_admin"}, {"is_active", false}}));
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, "42");
  EXPECT_EQ(user->subscription_tier, "basic");
  EXPECT_TRUE(user->is_admin);
  EXPECT_FALSE(user->is_active);

  user = user_of(v, token({{"sub", "u2"}, {"exp", kNow + 60}, {"roles", {"viewer", "admin"}}}));
  EXPECT_TRUE(user->is_admin);
  user = user_of(
      v,
      token({{"sub", "u3"}, {"exp", kNow + 60}, {"role", "Admin"}, {"subscription_tier", "gold"}}));
  EXPECT_FALSE(user->is_admin);
  EXPECT_FALSE(user->has_premium_access());
}

TEST(JwtVerifier, RefusesWhatIsNotAValidToken) {
  const auto v = verifier();
  const nlohmann::json good = {{"sub", "u"}, {"exp", kNow + 60}};
  EXPECT_EQ(v.verify(token(good, "other-secret"), kNow).error(), JwtError::kBadSignature);
  EXPECT_EQ(v.verify(token(good, kSecret, "none"), kNow).error(), JwtError::kAlgorithmRefused);
  EXPECT_EQ(v.verify(token(good, kSecret, "RS256"), kNow).error(), JwtError::kAlgorithmRefused);
  EXPECT_EQ(v.verify(token({{"exp", kNow + 60}}), kNow).error(), JwtError::kNoSubject);
  EXPECT_EQ(v.verify(token({{"sub", "u"}}), kNow).error(), JwtError::kExpired);
  EXPECT_EQ(v.verify(token({{"sub", "u"}, {"exp", "soon"}}), kNow).error(), JwtError::kExpired);
  EXPECT_EQ(v.verify(token({{"sub", "u"}, {"exp", kNow - 61}}), kNow).error(), JwtError::kExpired);
  EXPECT_TRUE(v.verify(token({{"sub", "u"}, {"exp", kNow - 59}}), kNow));  // 60 s leeway
  EXPECT_EQ(v.verify(token({{"sub", "u"}, {"exp", kNow + 60}, {"nbf", kNow + 120}}), kNow).error(),
            JwtError::kNotYetValid);
  for (const std::string& bad :
       std::vector<std::string>{"", "a.b", "a.b.c.d", "!!!.e30.", token(good) + "x"}) {
    EXPECT_FALSE(v.verify(bad, kNow)) << bad;
  }
  EXPECT_EQ(v.verify(std::string(9000, 'a'), kNow).error(), JwtError::kMalformed);
}

TEST(JwtVerifier, IssuerAndAudience) {
  const auto v = verifier("https://platform.example", "audible-connect");
  const nlohmann::json base = {{"sub", "u"}, {"exp", kNow + 60}};
  auto claims = base;
  claims["iss"] = "https://platform.example";
  claims["aud"] = "audible-connect";
  EXPECT_TRUE(v.verify(token(claims), kNow));
  claims["aud"] = {"x", "audible-connect"};
  EXPECT_TRUE(v.verify(token(claims), kNow));
  claims["aud"] = "x";
  EXPECT_EQ(v.verify(token(claims), kNow).error(), JwtError::kWrongAudience);
  claims["aud"] = "audible-connect";
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(v.verify(token(claims), kNow).error(), JwtError::kWrongIssuer);
}

TEST(JwtVerifier, ACachedTokenStillExpiresAndStillWaitsForNbf) {
  const auto v = verifier();
  const auto t = token({{"sub", "u"}, {"exp", kNow + 100}, {"nbf", kNow}});
  ASSERT_TRUE(v.verify(t, kNow));
  ASSERT_TRUE(v.verify(t, kNow + 150));  // cached, inside the leeway
  EXPECT_EQ(v.verify(t, kNow + 161).error(), JwtError::kExpired);
  EXPECT_EQ(v.verify(t, kNow - 61).error(), JwtError::kNotYetValid);
  // A token that failed is not cached as good: a tampered copy stays refused.
  auto tampered = t;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v.verify(tampered, kNow));
  EXPECT_FALSE(v.verify(tampered, kNow));
}

TEST(JwtVerifier, RefusesCritAndAlgNoneWhateverElseTheHeaderSays) {
  const auto v = verifier();
  const nlohmann::json claims = {{"sub", "u"}, {"exp", kNow + 60}};
  EXPECT_EQ(v.verify(testing::hs256_token({{"alg", "HS256"}, {"crit", {"exp"}}, {"exp", 1}}, claims,
                                          kSecret),
                     kNow)
                .error(),
            JwtError::kCriticalHeader);
  EXPECT_EQ(v.verify(testing::hs256_token({{"alg", "HS256"}, {"crit", nlohmann::json::array()}},
                                          claims, kSecret),
                     kNow)
                .error(),
            JwtError::kCriticalHeader);
  EXPECT_EQ(
      v.verify(testing::b64url(R"({"alg":"none"})") + "." + testing::b64url(claims.dump()) + ".",
               kNow)
          .error(),
      JwtError::kAlgorithmRefused);
  EXPECT_EQ(v.verify(testing::hs256_token({{"typ", "JWT"}}, claims, kSecret), kNow).error(),
            JwtError::kAlgorithmRefused);
  // Without a JWKS a kid names nothing, and the secret decides.
  EXPECT_TRUE(
      v.verify(testing::hs256_token({{"alg", "HS256"}, {"kid", "k"}}, claims, kSecret), kNow));
  EXPECT_EQ(
      v.verify(testing::hs256_token({{"alg", "HS256"}, {"kid", 7}}, claims, kSecret), kNow).error(),
      JwtError::kMalformed);
}

TEST(JwtVerifier, PemKeyVerifiesOnlyItsOwnAlgorithm) {
  const auto rsa = testing::TestKey::rsa();
  const auto v = *JwtVerifier::create(JwtOptions{Secret(std::string(kSecret)), rsa.public_pem()});
  const nlohmann::json claims = {{"sub", "u"}, {"exp", kNow + 60}};
  EXPECT_TRUE(v.verify(rsa.sign({{"alg", "RS256"}}, claims), kNow));
  EXPECT_TRUE(v.verify(token(claims), kNow));  // HS256 alongside
  // Algorithm confusion: the public key's PEM as the HMAC secret.
  EXPECT_EQ(v.verify(token(claims, rsa.public_pem()), kNow).error(), JwtError::kBadSignature);
  // An RSA signature under ES256: no EC key, so the alg is refused.
  EXPECT_EQ(v.verify(rsa.sign({{"alg", "ES256"}}, claims), kNow).error(),
            JwtError::kAlgorithmRefused);
  EXPECT_EQ(v.verify(testing::TestKey::rsa().sign({{"alg", "RS256"}}, claims), kNow).error(),
            JwtError::kBadSignature);

  const auto ec = testing::TestKey::p256();
  const auto v_ec = *JwtVerifier::create(JwtOptions{Secret(), ec.public_pem()});
  EXPECT_TRUE(v_ec.verify(ec.sign({{"alg", "ES256"}}, claims), kNow));
  EXPECT_EQ(v_ec.verify(token(claims, ec.public_pem()), kNow).error(),
            JwtError::kAlgorithmRefused);  // no secret: HS256 is refused outright
  EXPECT_EQ(v_ec.verify(rsa.sign({{"alg", "RS256"}}, claims), kNow).error(),
            JwtError::kAlgorithmRefused);
}

TEST(JwtVerifier, UnverifiedExpiryOnlyReadsTheClaim) {
  EXPECT_EQ(unverified_expiry(token({{"sub", "u"}, {"exp", kNow}}, "any secret")), kNow);
  EXPECT_FALSE(unverified_expiry(token({{"sub", "u"}})));
  EXPECT_FALSE(unverified_expiry("opaque-token"));
  EXPECT_FALSE(unverified_expiry("a.!!.c"));
}

TEST(JwtVerifier, PublicKeyMustBeRsaOrP256) {
  EXPECT_FALSE(JwtVerifier::create(JwtOptions{
      Secret(), "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n", "", ""}));
}

}  // namespace
}  // namespace ac
