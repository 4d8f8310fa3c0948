// BACKEND_CORS_ORIGINS and DOCS_ASSETS_URL, as load_settings reads them.

#include <gtest/gtest.h>

#include <sstream>

#include "app/commands.h"
#include "config/settings.h"

namespace ac {
namespace {

std::expected<Settings, std::string> load(std::map<std::string, std::string> env) {
  return load_settings(map_environment(std::move(env)));
}

using Origins = std::vector<std::string>;

TEST(FrontendSettings, CorsIsOffByDefaultAndWhenEmpty) {
  EXPECT_TRUE(load({})->cors_origins.empty());
  EXPECT_TRUE(load({{"BACKEND_CORS_ORIGINS", "  "}})->cors_origins.empty());
  EXPECT_TRUE(load({{"BACKEND_CORS_ORIGINS", "[]"}})->cors_origins.empty());
}

TEST(FrontendSettings, CorsOriginsAsAJsonList) {
  const auto s =
      load({{"BACKEND_CORS_ORIGINS", R"(["https://app.example", "http://localhost:3000/"])"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->cors_origins, (Origins{"https://app.example", "http://localhost:3000"}));
}

TEST(FrontendSettings, CorsOriginsCommaSeparated) {
  const auto s = load({{"BACKEND_CORS_ORIGINS", "https://app.example, http://localhost:3000,,"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->cors_origins, (Origins{"https://app.example", "http://localhost:3000"}));
}

TEST(FrontendSettings, CorsOriginsAreWrittenAsBrowsersSendThem) {
  const auto s = load({{"BACKEND_CORS_ORIGINS",
                        "HTTPS://App.Example:443/,http://[::1]:8080,http://a.example:80,"
                        "https://app.example"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->cors_origins,
            (Origins{"https://app.example", "http://[::1]:8080", "http://a.example"}));
}

TEST(FrontendSettings, BadCorsOriginsStopStartWithOneLineNamingTheVariable) {
  for (const std::string value :
       {"*", "[\"*\"]", "https://app.example/path", "app.example", "ftp://app.example",
        "[\"https://app.example\"", "[1, 2]", "https://user@app.example"}) {
    const auto s = load({{"BACKEND_CORS_ORIGINS", value}});
    ASSERT_FALSE(s) << value;
    EXPECT_TRUE(s.error().starts_with("BACKEND_CORS_ORIGINS")) << s.error();
    EXPECT_EQ(s.error().find('\n'), std::string::npos);
  }
}

TEST(FrontendSettings, DocsAssetsUrl) {
  EXPECT_EQ(load({})->docs_assets_url, "");
  EXPECT_EQ(load({{"DOCS_ASSETS_URL", "https://static.example/npm/"}})->docs_assets_url,
            "https://static.example/npm");
  EXPECT_EQ(load({{"DOCS_ASSETS_URL", "http://127.0.0.1:9000"}})->docs_assets_url,
            "http://127.0.0.1:9000");
  const auto plain = load({{"DOCS_ASSETS_URL", "http://static.example"}});
  ASSERT_FALSE(plain);
  EXPECT_TRUE(plain.error().starts_with("DOCS_ASSETS_URL")) << plain.error();
}

TEST(FrontendSettings, CheckConfigShowsBoth) {
  const auto printed = [](std::map<std::string, std::string> env) {
    env.emplace("DATABASE_URL", "sqlite:///" + std::string(::testing::TempDir()) +
                                    "/ac-frontend-settings/service.db");
    std::ostringstream out;
    std::ostringstream err;
    run_check_config(map_environment(std::move(env)), out, err, false);
    return out.str();
  };
  const std::string defaults = printed({});
  EXPECT_NE(defaults.find("cors origins:      (none: CORS off)\n"), std::string::npos) << defaults;
  EXPECT_NE(defaults.find("docs assets:       https://cdn.jsdelivr.net/npm (default)\n"),
            std::string::npos);
  const std::string set = printed({{"BACKEND_CORS_ORIGINS", "https://a.example,https://b.example"},
                                   {"DOCS_ASSETS_URL", "https://static.example/npm"}});
  EXPECT_NE(set.find("cors origins:      https://a.example, https://b.example\n"),
            std::string::npos)
      << set;
  EXPECT_NE(set.find("docs assets:       https://static.example/npm\n"), std::string::npos);
}

}  // namespace
}  // namespace ac
