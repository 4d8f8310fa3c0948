// Route matching without allocation (issue 12): the same fits as when paths were split into
// vectors, and a path longer than any route fits none.

#include "api/path_segments.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(PathSegments, SkipsEmptySegments) {
  const PathSegments path("//api/v1//x/");
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[0], "api");
  EXPECT_EQ(path[2], "x");
  EXPECT_EQ(PathSegments("/").size(), 0u);
  EXPECT_EQ(PathSegments("").size(), 0u);
}

TEST(PathSegments, FitsLiteralSegmentsExactly) {
  const PathSegments pattern("/api/v1/user/audible/connected");
  EXPECT_TRUE(fits(pattern, PathSegments("/api/v1/user/audible/connected")));
  EXPECT_TRUE(fits(pattern, PathSegments("/api//v1/user/audible/connected/")));
  EXPECT_FALSE(fits(pattern, PathSegments("/api/v1/user/audible/Connected")));
  EXPECT_FALSE(fits(pattern, PathSegments("/api/v1/user/audible")));
  EXPECT_FALSE(fits(pattern, PathSegments("/api/v1/user/audible/connected/x")));
}

TEST(PathSegments, DecodesParametersOnlyWhenAsked) {
  const PathSegments pattern("/api/{asin}/details/{platform}");
  EXPECT_TRUE(fits(pattern, PathSegments("/api/B0%41/details/web")));
  std::vector<std::string> params;
  EXPECT_TRUE(fits(pattern, PathSegments("/api/B0%41/details/web"), &params));
  EXPECT_EQ(params, (std::vector<std::string>{"B0A", "web"}));
  params.clear();
  EXPECT_FALSE(fits(pattern, PathSegments("/api/B0%4/details/web"), &params));  // bad escape
}

TEST(PathSegments, APathLongerThanTheLimitFitsNothing) {
  std::string path;
  for (std::size_t i = 0; i <= PathSegments::kMaxSegments; ++i) path += "/a";
  const PathSegments longest(path);
  EXPECT_FALSE(longest.fits_in_limit());
  EXPECT_FALSE(fits(longest, longest));
  const std::string shorter = path.substr(2);  // segments refer to it: it must outlive them
  const PathSegments at_limit(shorter);
  EXPECT_TRUE(at_limit.fits_in_limit());
  EXPECT_TRUE(fits(at_limit, at_limit));
}

}  // namespace
}  // namespace ac
