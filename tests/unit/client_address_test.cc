// Trusted proxies (FORWARDED_ALLOW_IPS), the client address read through them, and the
// per-address and per-user bounds built on it.

#include "http/client_address.h"

#include <gtest/gtest.h>

#include "http/auth_failure_limiter.h"
#include "http/header_check.h"
#include "http/in_flight_limiter.h"
#include "net/address_set.h"

namespace ac {
namespace {

AddressSet set_of(std::string_view list) {
  auto parsed = AddressSet::parse(list);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error());
  return parsed ? *parsed : AddressSet{};
}

HttpRequest from(std::string peer, std::optional<std::string> forwarded_for = std::nullopt) {
  HttpRequest request;
  request.peer_address = std::move(peer);
  if (forwarded_for) request.headers.emplace_back("x-forwarded-for", *forwarded_for);
  return request;
}

TEST(AddressSet, AddressesRangesAndAny) {
  const auto set = set_of(" 127.0.0.1, ::1 ,10.0.0.0/8, 2001:db8::/32");
  EXPECT_TRUE(set.contains("127.0.0.1"));
  EXPECT_TRUE(set.contains("::ffff:127.0.0.1"));  // IPv4-mapped
  EXPECT_TRUE(set.contains("::1"));
  EXPECT_TRUE(set.contains("10.200.3.4"));
  EXPECT_TRUE(set.contains("2001:db8:ffff::1"));
  EXPECT_FALSE(set.contains("11.0.0.1"));
  EXPECT_FALSE(set.contains("127.0.0.2"));
  EXPECT_FALSE(set.contains("2001:db9::1"));
  EXPECT_FALSE(set.contains("not an address"));
  EXPECT_FALSE(set.contains(""));
  EXPECT_TRUE(set_of("*").contains("198.51.100.1"));
  EXPECT_TRUE(set_of("").empty());
}

TEST(AddressSet, BadEntriesAreNamed) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "::/129", "1.2.3.4/x", "1.2.3.4/"}) {
    const auto parsed = AddressSet::parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find(bad), std::string::npos) << parsed.error();
  }
}

TEST(ClientAddress, ForwardedForOnlyFromTrustedPeers) {
  const auto proxies = set_of("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(client_address(from("198.51.100.1", "203.0.113.9"), proxies), "198.51.100.1");
  EXPECT_EQ(client_address(from("127.0.0.1"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address(from("127.0.0.1", "203.0.113.9"), proxies), "203.0.113.9");
  // Read from the right: what the client wrote itself, left of the proxy's entry, is ignored.
  EXPECT_EQ(client_address(from("127.0.0.1", "1.1.1.1, 203.0.113.9"), proxies), "203.0.113.9");
  // Chained trusted proxies are skipped.
  EXPECT_EQ(client_address(from("127.0.0.1", "203.0.113.9, 10.1.1.1"), proxies), "203.0.113.9");
  // A hop that is not an address ends the walk at the last believable one.
  EXPECT_EQ(client_address(from("127.0.0.1", "203.0.113.9, junk"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address(from("127.0.0.1", "junk, 203.0.113.9"), proxies), "203.0.113.9");
  // Every hop trusted: the leftmost.
  EXPECT_EQ(client_address(from("127.0.0.1", "10.0.0.2, 10.0.0.3"), proxies), "10.0.0.2");
}

TEST(AuthFailureLimiter, BlocksAnAddressForTheRestOfTheMinute) {
  AuthFailureLimiter limiter(3);
  const std::int64_t now = 60 * 1000 + 15;
  EXPECT_FALSE(limiter.blocked("203.0.113.1", now));
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(limiter.record("203.0.113.1", now), i);
  EXPECT_EQ(limiter.blocked("203.0.113.1", now), 45);
  EXPECT_FALSE(limiter.blocked("203.0.113.2", now));
  EXPECT_FALSE(limiter.blocked("203.0.113.1", now + 45));  // the next minute
}

TEST(AuthFailureLimiter, IPv6CountsPerSlash64) {
  AuthFailureLimiter limiter(2);
  limiter.record("2001:db8:1:2::1", 0);
  limiter.record("2001:db8:1:2:ffff::9", 0);
  EXPECT_TRUE(limiter.blocked("2001:db8:1:2::77", 0));
  EXPECT_FALSE(limiter.blocked("2001:db8:1:3::1", 0));
  limiter.record("::ffff:192.0.2.1", 0);
  limiter.record("192.0.2.1", 0);
  EXPECT_TRUE(limiter.blocked("192.0.2.1", 0));
}

TEST(InFlightLimiter, SlotsPerKeyComeBackWhenReleased) {
  InFlightLimiter limiter(2);
  auto a = limiter.try_acquire("user");
  auto b = limiter.try_acquire("user");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limiter.try_acquire("user"));
  EXPECT_TRUE(limiter.try_acquire("other"));
  b.reset();
  EXPECT_TRUE(limiter.try_acquire("user"));
}

TEST(HeaderCheck, TokensAndValuesWithoutLineBreaks) {
  EXPECT_TRUE(is_safe_header("X-Request-ID", "abc def\t!"));
  EXPECT_FALSE(is_safe_header("X-A", "a\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(is_safe_header("X-A", "a\nb"));
  EXPECT_FALSE(is_safe_header("X-A", std::string("a\0b", 3)));
  EXPECT_FALSE(is_safe_header("X-A\r\nB", "v"));
  EXPECT_FALSE(is_safe_header("X-A: b", "v"));
  EXPECT_FALSE(is_safe_header("", "v"));
  EXPECT_EQ(first_unsafe_header({{"A", "1"}, {"B", "2\r"}}), "B");
  EXPECT_FALSE(first_unsafe_header({{"A", "1"}}));
}

}  // namespace
}  // namespace ac
