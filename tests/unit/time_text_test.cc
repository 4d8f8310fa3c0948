#include "util/time_text.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(TimeText, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(1'764'267'126'123), "2025-11-27T18:12:06.123Z");
}

TEST(TimeText, ReadsUnixSecondsAndRfc3339) {
  EXPECT_EQ(parse_time_ms("1764267126"), 1'764'267'126'000);
  EXPECT_EQ(parse_time_ms("0"), 0);
  EXPECT_EQ(parse_time_ms("2025-11-27T18:12:06Z"), 1'764'267'126'000);
  EXPECT_EQ(parse_time_ms("2025-11-27t18:12:06z"), 1'764'267'126'000);
  EXPECT_EQ(parse_time_ms("2025-11-27 18:12:06.5Z"), 1'764'267'126'500);
  EXPECT_EQ(parse_time_ms("2025-11-27T18:12:06.123456Z"), 1'764'267'126'123);
  EXPECT_EQ(parse_time_ms("2025-11-27T19:12:06+01:00"), 1'764'267'126'000);
  EXPECT_EQ(parse_time_ms("2025-11-27T17:42:06-00:30"), 1'764'267'126'000);
  EXPECT_EQ(parse_time_ms(rfc3339_ms(1'764'267'126'042)), 1'764'267'126'042);
}

TEST(TimeText, RefusesAnythingElse) {
  for (const char* text :
       {"", "-5", "1.5", "yesterday", "1234567890123", "2025-11-27", "2025-11-27T18:12:06",
        "2025-13-27T18:12:06Z", "2025-11-27T24:00:00Z", "2025-11-27T18:12:06.Z",
        "2025-11-27T18:12:06+0100", "2025-11-27T18:12:06Zjunk", "2025/11/27T18:12:06Z"}) {
    EXPECT_FALSE(parse_time_ms(text)) << text;
  }
}

}  // namespace
}  // namespace ac
