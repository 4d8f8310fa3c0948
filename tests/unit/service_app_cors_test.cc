// CORS and the doc pages through ServiceApp: where in the checks a preflight is answered, which
// responses carry the CORS headers, and which Content-Security-Policy each page gets.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "api/responses.h"
#include "api/service_app.h"
#include "auth/open_authenticator.h"

namespace ac {
namespace {

constexpr std::string_view kOrigin = "https://app.example";
constexpr std::string_view kStrictPolicy = "default-src 'none'; frame-ancestors 'none'";

class ServiceAppCors : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> env) {
    env.emplace("JWT_SECRET_KEY", "service-app-cors-test-secret-of-32-bytes");
    settings_ = *load_settings(map_environment(std::move(env)));
    authenticator_ = std::move(*open_authenticator(settings_));
    std::vector<Route> routes{{.method = "GET",
                               .pattern = "/api/v1/user/audible/connected",
                               .summary = "needs a user",
                               .handler = [](RouteRequest&) {
                                 return json_response(200, {{"connected", false}});
                               }}};
    app_ = std::make_unique<ServiceApp>(settings_, *authenticator_, limiter_, std::move(routes));
  }

  HttpResponse send(std::string method, std::string path, HeaderList headers = {}) {
    HttpRequest request{.method = std::move(method), .path = std::move(path)};
    request.headers = std::move(headers);
    request.peer_address = "127.0.0.1";
    return app_->handle(request);
  }

  Settings settings_;
  MemoryRateLimiter limiter_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<ServiceApp> app_;
};

std::string detail(const HttpResponse& response) {
  return nlohmann::json::parse(response.body)["detail"];
}

TEST_F(ServiceAppCors, PreflightIsAnsweredBeforeAuthentication) {
  start({{"BACKEND_CORS_ORIGINS", std::string(kOrigin)}});
  const auto response = send("OPTIONS", "/api/v1/user/audible/connected",
                             {{"origin", std::string(kOrigin)},
                              {"access-control-request-method", "GET"},
                              {"access-control-request-headers", "authorization"}});
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(response.header("Access-Control-Allow-Headers"), "authorization");
  EXPECT_EQ(response.header("Content-Security-Policy"), kStrictPolicy);
  EXPECT_TRUE(response.header("X-Request-ID"));
}

TEST_F(ServiceAppCors, ErrorsToAListedOriginCarryTheCorsHeaders) {
  start({{"BACKEND_CORS_ORIGINS", std::string(kOrigin)}});
  const HeaderList from_origin{{"origin", std::string(kOrigin)}};
  for (const auto& [path, status] :
       {std::pair{"/api/v1/user/audible/connected", 401}, std::pair{"/nowhere", 404}}) {
    const auto response = send("GET", path, from_origin);
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.header("Access-Control-Allow-Origin"), kOrigin);
    EXPECT_EQ(response.header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(response.header("Vary"), "Origin");
  }
}

TEST_F(ServiceAppCors, UnlistedOriginsPreflightIsRefused) {
  start({{"BACKEND_CORS_ORIGINS", std::string(kOrigin)}});
  const auto response =
      send("OPTIONS", "/api/v1/user/audible/connected",
           {{"origin", "https://evil.example"}, {"access-control-request-method", "GET"}});
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(detail(response), "Disallowed CORS origin");
  EXPECT_FALSE(response.header("Access-Control-Allow-Origin"));
}

TEST_F(ServiceAppCors, WithoutOriginsThereIsNoCors) {
  start({});
  const auto preflight =
      send("OPTIONS", "/api/v1/user/audible/connected",
           {{"origin", std::string(kOrigin)}, {"access-control-request-method", "GET"}});
  EXPECT_EQ(preflight.status, 405);
  const auto get =
      send("GET", "/api/v1/user/audible/connected", {{"origin", std::string(kOrigin)}});
  EXPECT_EQ(get.status, 401);
  for (const auto& response : {preflight, get}) {
    for (const auto& [name, value] : response.headers) {
      EXPECT_FALSE(name.starts_with("Access-Control-")) << name;
    }
  }
}

// Standard base64 of SHA-256, computed with OpenSSL alone, as a browser checks a CSP hash.
std::string csp_hash(std::string_view script) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(script.data(), script.size(), digest, &size, EVP_sha256(), nullptr);
  std::string encoded(4 * ((size + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest, static_cast<int>(size));
  return "'sha256-" + encoded + "'";
}

TEST_F(ServiceAppCors, SwaggerUiPageAllowsTheCdnAndItsOwnInlineScriptOnly) {
  start({});
  const auto response = send("GET", "/docs");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(response.body.find(
                "src=\"https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js\""),
            std::string::npos);
  EXPECT_NE(response.body.find("url: '/openapi.json'"), std::string::npos);
  const auto open = response.body.find("<script>") + 8;
  const auto inline_script =
      std::string_view(response.body).substr(open, response.body.find("</script>", open) - open);
  const std::string policy(response.header("Content-Security-Policy").value_or(""));
  EXPECT_EQ(policy, "default-src 'none'; script-src https://cdn.jsdelivr.net " +
                        csp_hash(inline_script) +
                        "; style-src https://cdn.jsdelivr.net; img-src https://cdn.jsdelivr.net "
                        "data:; connect-src 'self'; frame-ancestors 'none'");
  EXPECT_EQ(response.header("X-Frame-Options"), "DENY");
}

TEST_F(ServiceAppCors, RedocPageLoadsFromTheConfiguredAssets) {
  start({{"DOCS_ASSETS_URL", "http://127.0.0.1:9000/node_modules"}});
  const auto response = send("GET", "/redoc");
  ASSERT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("<redoc spec-url=\"/openapi.json\"></redoc>"), std::string::npos);
  EXPECT_NE(response.body.find(
                "src=\"http://127.0.0.1:9000/node_modules/redoc/bundles/redoc.standalone.js\""),
            std::string::npos);
  const std::string policy(response.header("Content-Security-Policy").value_or(""));
  EXPECT_TRUE(policy.starts_with("default-src 'none'; script-src http://127.0.0.1:9000; "))
      << policy;
  EXPECT_EQ(policy.find("unsafe-eval"), std::string::npos);
}

TEST_F(ServiceAppCors, DocPagesStayOutOfTheOpenApiDocumentAndOtherPagesKeepTheStrictPolicy) {
  start({});
  const auto document = send("GET", "/openapi.json");
  ASSERT_EQ(document.status, 200);
  const auto paths = nlohmann::json::parse(document.body)["paths"];
  EXPECT_FALSE(paths.contains("/docs"));
  EXPECT_FALSE(paths.contains("/redoc"));
  EXPECT_EQ(document.header("Content-Security-Policy"), kStrictPolicy);
}

}  // namespace
}  // namespace ac
