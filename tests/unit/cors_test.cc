#include "api/cors.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ac {
namespace {

const CorsPolicy kPolicy({"https://app.example", "http://localhost:3000"});

HttpRequest preflight_from(std::string origin, std::string headers = "") {
  HttpRequest request{.method = "OPTIONS", .path = "/api/v1/user/audible/connected"};
  request.headers = {{"origin", std::move(origin)}, {"access-control-request-method", "GET"}};
  if (!headers.empty()) request.headers.emplace_back("access-control-request-headers", headers);
  return request;
}

std::string header(const HttpResponse& response, std::string_view name) {
  return std::string(response.header(name).value_or("(absent)"));
}

TEST(Cors, PreflightNeedsOptionsOriginAndRequestMethod) {
  EXPECT_TRUE(CorsPolicy::is_preflight(preflight_from("https://app.example")));
  HttpRequest no_method{.method = "OPTIONS", .headers = {{"origin", "https://app.example"}}};
  EXPECT_FALSE(CorsPolicy::is_preflight(no_method));
  HttpRequest get = preflight_from("https://app.example");
  get.method = "GET";
  EXPECT_FALSE(CorsPolicy::is_preflight(get));
}

TEST(Cors, PreflightFromListedOriginEchoesTheRequestedHeaders) {
  const auto response =
      kPolicy.preflight(preflight_from("https://app.example", "Authorization, content-type"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"), "Authorization, content-type");
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"),
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  EXPECT_EQ(header(response, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(response, "Vary"), "Origin");
}

TEST(Cors, PreflightWithoutRequestedHeadersHasNoAllowHeaders) {
  const auto response = kPolicy.preflight(preflight_from("http://localhost:3000"));
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.header("Access-Control-Allow-Headers"));
}

TEST(Cors, PreflightFromUnlistedOriginIsStarlettesRefusal) {
  for (const std::string origin :
       {"https://evil.example", "https://app.example.evil", "http://app.example", "null"}) {
    const auto response = kPolicy.preflight(preflight_from(origin));
    EXPECT_EQ(response.status, 400) << origin;
    EXPECT_EQ(nlohmann::json::parse(response.body)["detail"], "Disallowed CORS origin");
    EXPECT_FALSE(response.header("Access-Control-Allow-Origin")) << origin;
  }
}

TEST(Cors, RequestedHeadersThatAreNoHeaderNamesAreRefusedNotEchoed) {
  for (const std::string headers : {"authorization, x evil", "a:b", "x-a\x01", "\xc3\xa9"}) {
    const auto response = kPolicy.preflight(preflight_from("https://app.example", headers));
    EXPECT_EQ(response.status, 400) << headers;
    EXPECT_EQ(nlohmann::json::parse(response.body)["detail"], "Disallowed CORS headers");
    EXPECT_FALSE(response.header("Access-Control-Allow-Headers"));
  }
}

TEST(Cors, ListedOriginGetsCredentialsVaryAndExposedHeaders) {
  HttpRequest request{.method = "GET", .headers = {{"origin", "https://app.example"}}};
  HttpResponse response{.status = 401};
  response.set_header("Vary", "Accept-Encoding");
  kPolicy.decorate(request, response);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "Retry-After, X-Request-ID");
  EXPECT_EQ(header(response, "Vary"), "Accept-Encoding, Origin");
}

TEST(Cors, UnlistedOrNoOriginGetsNoCorsHeader) {
  for (const HttpRequest& request :
       {HttpRequest{.method = "GET", .headers = {{"origin", "https://evil.example"}}},
        HttpRequest{.method = "GET"}}) {
    HttpResponse response;
    kPolicy.decorate(request, response);
    EXPECT_TRUE(response.headers.empty());
  }
}

TEST(Cors, OffWithoutOrigins) { EXPECT_FALSE(CorsPolicy({}).enabled()); }

}  // namespace
}  // namespace ac
