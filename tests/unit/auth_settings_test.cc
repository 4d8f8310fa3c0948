// The settings of CONTRACT.md section 4: the HS256 secret's fallback to SECRET_KEY, the JWKS and
// user-info URLs, the user-info cache, and which of them let `serve` start.

#include <gtest/gtest.h>

#include "config/settings.h"

namespace ac {
namespace {

constexpr std::string_view kFernetKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

std::expected<Settings, std::string> load(std::map<std::string, std::string> env) {
  env.emplace("AUDIBLE_TOKEN_ENCRYPTION_KEY", kFernetKey);
  return load_settings(map_environment(std::move(env)));
}

TEST(AuthSettings, Hs256SecretFallsBackToThePlatformsSecretKey) {
  EXPECT_EQ(load({{"SECRET_KEY", "platform"}})->jwt_secret_key.reveal(), "platform");
  EXPECT_EQ(load({{"SECRET_KEY", "platform"}, {"JWT_SECRET_KEY", "ours"}})->jwt_secret_key.reveal(),
            "ours");
  EXPECT_TRUE(load({})->jwt_secret_key.empty());
}

TEST(AuthSettings, UrlsAndCache) {
  const auto s = load({{"JWT_JWKS_URL", "https://idp.example/.well-known/jwks.json"},
                       {"AUTH_USERINFO_URL", "http://127.0.0.1:8001/api/v1/auth/me/"},
                       {"AUTH_USERINFO_CACHE_SECONDS", "0"},
                       {"AUTH_HTTP_TIMEOUT_SECONDS", "1"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->jwt_jwks_url, "https://idp.example/.well-known/jwks.json");
  EXPECT_EQ(s->auth_userinfo_url, "http://127.0.0.1:8001/api/v1/auth/me/");  // kept as given
  EXPECT_EQ(s->auth_userinfo_cache_seconds, 0);
  EXPECT_EQ(s->auth_http.timeout_seconds, 1);
  EXPECT_EQ(s->auth_http.connect_timeout_seconds, 1);
  EXPECT_EQ(load({})->auth_userinfo_cache_seconds, 60);
  EXPECT_EQ(load({})->auth_http.timeout_seconds, 5);

  const auto plain = load({{"AUTH_USERINFO_URL", "http://platform.example/me"}});
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().find("AUTH_USERINFO_URL"), std::string::npos);
  EXPECT_FALSE(load({{"JWT_JWKS_URL", "ftp://idp.example/jwks"}}));
  EXPECT_FALSE(load({{"AUTH_USERINFO_CACHE_SECONDS", "-1"}}));
}

TEST(AuthSettings, AnyWayToSignInLetsServeStart) {
  EXPECT_TRUE(serve_blocker(*load({})));
  EXPECT_FALSE(serve_blocker(*load({{"SECRET_KEY", "s"}})));
  EXPECT_FALSE(serve_blocker(*load({{"JWT_JWKS_URL", "https://idp.example/jwks"}})));
  EXPECT_FALSE(serve_blocker(*load({{"AUTH_USERINFO_URL", "https://platform.example/me"}})));
  EXPECT_FALSE(load({{"AUTH_USERINFO_URL", "https://platform.example/me"}})->has_jwt_keys());
}

}  // namespace
}  // namespace ac
