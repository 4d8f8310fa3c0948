#include "http/response_head.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

HttpResponse answer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

TEST(ResponseHead, StatusLineHeadersPresetBlockAndLength) {
  HttpResponse response = answer(429, "{}");
  response.preset_headers = "X-Frame-Options: DENY\r\n";
  EXPECT_EQ(response_head(response, 11, true),
            "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
            "X-Frame-Options: DENY\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseHead, ConnectionHeaderAsEachVersionNeedsIt) {
  const HttpResponse response = answer(200, "");
  EXPECT_NE(response_head(response, 11, false).find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(response_head(response, 11, true).find("Connection:"), std::string::npos);
  EXPECT_NE(response_head(response, 10, true).find("Connection: keep-alive\r\n"),
            std::string::npos);
  EXPECT_EQ(response_head(response, 10, false).find("Connection:"), std::string::npos);
  EXPECT_EQ(response_head(response, 10, false).rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
}

TEST(ResponseHead, NoContentLengthWhereNoBodyMayFollow) {
  EXPECT_EQ(response_head(answer(204, ""), 11, true).find("Content-Length"), std::string::npos);
  EXPECT_EQ(response_head(answer(304, ""), 11, true).find("Content-Length"), std::string::npos);
  EXPECT_NE(response_head(answer(404, ""), 11, true).find("Content-Length: 0\r\n"),
            std::string::npos);
}

TEST(ResponseHead, PresetHeadersAreFoundByName) {
  HttpResponse response = answer(200, "");
  response.preset_headers = "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n";
  EXPECT_EQ(response.header("cache-control"), "no-store");
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_FALSE(response.header("X-Frame-Options"));
}

}  // namespace
}  // namespace ac
