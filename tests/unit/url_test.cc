#include "config/url.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(Url, ParsesHttpUrls) {
  const auto url = parse_http_url("HTTPS://API.Audible.co.uk:8443/1.0/library?x=1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "api.audible.co.uk");
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->path, "/1.0/library?x=1");
  const auto v6 = parse_http_url("http://[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "9000");
}

TEST(Url, RejectsWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"", "api.audible.com", "ftp://x", "https://", "https://:80", "https://x:0",
        "https://x:99999", "https://x:8a", "https://u:p@x", "https://x y", "http://[::1"}) {
    EXPECT_FALSE(parse_http_url(bad)) << bad;
  }
}

TEST(Url, LoopbackHosts) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (const char* host : {"127.0.0.1.evil.com", "128.0.0.1", "127.0.0", "127.0.0.256",
                           "localhost.evil.com", "10.0.0.1"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST(Url, OutboundNeedsHttpsOffLoopback) {
  EXPECT_TRUE(is_allowed_outbound_url("https://api.audible.com"));
  EXPECT_TRUE(is_allowed_outbound_url("http://127.0.0.1:8001/token"));
  EXPECT_TRUE(is_allowed_outbound_url("http://[::1]:8001/token"));
  EXPECT_FALSE(is_allowed_outbound_url("http://api.audible.com"));
  EXPECT_FALSE(is_allowed_outbound_url("http://127.0.0.1.nip.io/"));
}

TEST(Url, RedactsPasswords) {
  EXPECT_EQ(redact_url_password("postgresql://app:hunter2@db:5432/x"),
            "postgresql://app:***@db:5432/x");
  EXPECT_EQ(redact_url_password("redis://:hunter2@127.0.0.1:6379/0"),
            "redis://:***@127.0.0.1:6379/0");
  EXPECT_EQ(redact_url_password("postgresql:///x?user=a&password=hunter2&sslmode=require"),
            "postgresql:///x?user=a&password=***&sslmode=require");
  EXPECT_EQ(redact_url_password("sqlite:///./data/a.db"), "sqlite:///./data/a.db");
}

}  // namespace
}  // namespace ac
