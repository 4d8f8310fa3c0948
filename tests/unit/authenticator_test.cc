// Authenticator: the bearer scheme, how JWT keys and the user-info endpoint combine, and which
// failures are 401 and which 503; user_from_json, the one mapping of claims and answers to a user.

#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include "auth/user_claims.h"
#include "fake_fetch.h"
#include "jwt_test_keys.h"

namespace ac {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kSecret = "unit-test-secret-of-32-bytes-and-more";
using Kind = AuthFailure::Kind;

TEST(BearerToken, SchemeInAnyCase) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER  abc"), "abc");
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token("Basic YTpi"));
  EXPECT_FALSE(bearer_token("Bearer a b"));
  EXPECT_FALSE(bearer_token("Bearer a\tb"));
  EXPECT_FALSE(bearer_token("Bearer ab\t"));
  EXPECT_FALSE(bearer_token(""));
}

TEST(UserFromJson, IdTierRolesActive) {
  EXPECT_EQ(user_from_json({{"sub", "s"}, {"id", "i"}, {"_id", "m"}})->id, "s");
  EXPECT_EQ(user_from_json({{"id", 12}, {"_id", "m"}})->id, "12");
  EXPECT_EQ(user_from_json({{"_id", "m"}})->id, "m");
  EXPECT_EQ(user_from_json({{"sub", ""}, {"id", "i"}})->id, "i");
  EXPECT_FALSE(user_from_json({{"sub", 1.5}}));
  EXPECT_FALSE(user_from_json({{"email", "x"}}));
  EXPECT_FALSE(user_from_json(nlohmann::json::array()));

  const auto basic = *user_from_json({{"sub", "s"}});
  EXPECT_EQ(basic.subscription_tier, "basic");
  EXPECT_FALSE(basic.is_admin);
  EXPECT_TRUE(basic.is_active);
  EXPECT_FALSE(basic.has_premium_access());
  EXPECT_TRUE(user_from_json({{"sub", "s"}, {"role", "super_admin"}})->is_admin);
  EXPECT_TRUE(user_from_json({{"sub", "s"}, {"roles", {"user", "admin"}}})->is_admin);
  EXPECT_FALSE(user_from_json({{"sub", "s"}, {"role", "user"}, {"roles", {"editor"}}})->is_admin);
  EXPECT_FALSE(user_from_json({{"sub", "s"}, {"is_active", false}})->is_active);
  EXPECT_TRUE(
      user_from_json({{"sub", "s"}, {"subscription_tier", "family"}})->has_premium_access());
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  std::optional<JwtVerifier> jwt() {
    return *JwtVerifier::create(JwtOptions{.hs256_secret = Secret(std::string(kSecret))});
  }
  std::unique_ptr<UserInfoClient> userinfo() {
    return std::make_unique<UserInfoClient>(
        UserInfoOptions{.url = "https://platform.example/me", .cache_seconds = 60},
        fetch_.function());
  }
  static std::string token(nlohmann::json claims, std::string_view secret = kSecret) {
    return "Bearer " + testing::hs256_token({{"alg", "HS256"}, {"typ", "JWT"}}, claims, secret);
  }

  testing::FakeFetch fetch_;
};

TEST_F(AuthenticatorTest, JwtAloneNeverBlocks) {
  Authenticator auth(jwt(), nullptr);
  EXPECT_FALSE(auth.may_block());
  const auto user = auth.authenticate(
      token({{"sub", "u"}, {"exp", kNow + 60}, {"subscription_tier", "premium"}}), kNow);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->subscription_tier, "premium");
  EXPECT_EQ(
      auth.authenticate(token({{"sub", "u"}, {"exp", kNow + 60}}, "wrong"), kNow).error().kind,
      Kind::kUnauthenticated);
  EXPECT_EQ(auth.authenticate("Basic dTpw", kNow).error().kind, Kind::kUnauthenticated);
  EXPECT_EQ(auth.authenticate("", kNow).error().kind, Kind::kUnauthenticated);
  EXPECT_EQ(fetch_.calls(), 0);
}

TEST_F(AuthenticatorTest, WithBothTheJwtIsVerifiedFirstAndTheEndpointSuppliesTheUser) {
  Authenticator auth(jwt(), userinfo());
  EXPECT_TRUE(auth.may_block());
  fetch_.answer(200, R"({"id": "u", "subscription_tier": "premium", "is_active": true})");
  const auto only_sub = token({{"sub", "u"}, {"exp", kNow + 30}});
  const auto user = auth.authenticate(only_sub, kNow);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->subscription_tier, "premium");  // the token said nothing of it
  EXPECT_EQ(fetch_.calls(), 1);
  // A forged token never reaches the endpoint.
  EXPECT_EQ(
      auth.authenticate(token({{"sub", "u"}, {"exp", kNow + 30}}, "forged"), kNow).error().kind,
      Kind::kUnauthenticated);
  EXPECT_EQ(fetch_.calls(), 1);
  // The answer is cached until the token's exp (30 s), not the whole 60 s.
  ASSERT_TRUE(auth.authenticate(only_sub, kNow + 29));
  EXPECT_EQ(fetch_.calls(), 1);
  ASSERT_TRUE(auth.authenticate(only_sub, kNow + 30));  // inside the JWT leeway: asked again
  EXPECT_EQ(fetch_.calls(), 2);
}

TEST_F(AuthenticatorTest, TheEndpointAloneAcceptsOpaqueTokens) {
  Authenticator auth(std::nullopt, userinfo());
  fetch_.answer(200, R"({"sub": "o", "subscription_tier": "basic"})");
  EXPECT_EQ(auth.authenticate("bearer opaque-1", kNow)->id, "o");
  fetch_.answer(401, "");
  EXPECT_EQ(auth.authenticate("Bearer opaque-2", kNow).error().kind, Kind::kUnauthenticated);
  fetch_.answer(503, "");
  EXPECT_EQ(auth.authenticate("Bearer opaque-3", kNow).error().kind, Kind::kUnavailable);
  fetch_.fail(TransportError::kTimeout);
  EXPECT_EQ(auth.authenticate("Bearer opaque-4", kNow).error().kind, Kind::kUnavailable);
  // A JWT-shaped token's exp, even unverified, only shortens the cache.
  fetch_.answer(200, R"({"sub": "j"})");
  const auto jwt_shaped = token({{"sub", "j"}, {"exp", kNow + 5}}, "not ours to verify");
  ASSERT_TRUE(auth.authenticate(jwt_shaped, kNow));
  ASSERT_TRUE(auth.authenticate(jwt_shaped, kNow + 4));
  const int calls = fetch_.calls();
  ASSERT_TRUE(auth.authenticate(jwt_shaped, kNow + 5));
  EXPECT_EQ(fetch_.calls(), calls + 1);
}

TEST_F(AuthenticatorTest, AJwksThatNeverAnsweredIsUnavailable) {
  fetch_.fail(TransportError::kConnect);
  auto verifier = *JwtVerifier::create(JwtOptions{
      .jwks = std::make_shared<JwksSource>("https://idp.example/jwks", fetch_.function())});
  Authenticator auth(std::move(verifier), nullptr);
  EXPECT_TRUE(auth.may_block());
  const auto key = testing::TestKey::rsa();
  const auto result = auth.authenticate(
      "Bearer " + key.sign({{"alg", "RS256"}, {"kid", "k"}}, {{"sub", "u"}, {"exp", kNow + 60}}),
      kNow);
  EXPECT_EQ(result.error().kind, Kind::kUnavailable);
}

}  // namespace
}  // namespace ac
