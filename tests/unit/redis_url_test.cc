#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(RedisUrl, DefaultsPortAndDatabase) {
  const auto url = parse_redis_url("redis://localhost");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->host, "localhost");
  EXPECT_EQ(url->port, 6379);
  EXPECT_EQ(url->db, 0);
  EXPECT_FALSE(url->username);
  EXPECT_TRUE(url->password.empty());
}

TEST(RedisUrl, ParsesUserPasswordPortAndDatabase) {
  const auto url = parse_redis_url("redis://app:p%40ss%2Fw%3Ard@cache.internal:6380/3");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->host, "cache.internal");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 3);
  EXPECT_EQ(url->username, "app");
  EXPECT_EQ(url->password.reveal(), "p@ss/w:rd");
}

TEST(RedisUrl, PasswordWithoutUser) {
  const auto url = parse_redis_url("redis://:s3cret@127.0.0.1:7000/");
  ASSERT_TRUE(url) << url.error();
  EXPECT_FALSE(url->username);
  EXPECT_EQ(url->password.reveal(), "s3cret");
  EXPECT_EQ(url->port, 7000);
  EXPECT_EQ(url->db, 0);
}

TEST(RedisUrl, TheLastAtEndsThePassword) {
  const auto url = parse_redis_url("redis://:a@b/c@host/1");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->password.reveal(), "a@b/c");
  EXPECT_EQ(url->host, "host");
  EXPECT_EQ(url->db, 1);
}

TEST(RedisUrl, BracketedIpv6Host) {
  const auto url = parse_redis_url("redis://[::1]:6390/2");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 6390);
  EXPECT_EQ(url->db, 2);
}

TEST(RedisUrl, TlsIsRefusedWithTheReason) {
  const auto url = parse_redis_url("rediss://:hunter2-secret@cache:6380/0");
  ASSERT_FALSE(url);
  EXPECT_NE(url.error().find("TLS"), std::string::npos) << url.error();
  EXPECT_NE(url.error().find("hiredis 0.14"), std::string::npos) << url.error();
  EXPECT_EQ(url.error().find("hunter2-secret"), std::string::npos) << url.error();
}

TEST(RedisUrl, EveryRefusalIsOneLineWithoutThePassword) {
  const char* const bad[] = {
      "http://:hunter2-secret@host",        "redis://:hunter2-secret@",
      "redis://:hunter2-secret@host:0",     "redis://:hunter2-secret@host:65536",
      "redis://:hunter2-secret@host:abc",   "redis://:hunter2-secret@host:",
      "redis://:hunter2-secret@host/x",     "redis://:hunter2-secret@host/-1",
      "redis://:hunter2-secret@host/1?a=b", "redis://hunter2-secret@host",
      "redis://:hunter2-secret%zz@host",    "redis://:hunter2-secret@[::1",
      "redis://:hunter2-secret@host:+1",
  };
  for (const char* text : bad) {
    const auto url = parse_redis_url(text);
    ASSERT_FALSE(url) << text;
    EXPECT_EQ(url.error().find("hunter2"), std::string::npos) << url.error();
    EXPECT_EQ(url.error().find('\n'), std::string::npos) << url.error();
    EXPECT_FALSE(url.error().empty());
  }
}

}  // namespace
}  // namespace ac
