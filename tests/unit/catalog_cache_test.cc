#include "audible/catalog_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace ac {
namespace {

std::vector<Audiobook> books(std::string asin) { return {Audiobook{.asin = std::move(asin)}}; }

TEST(CatalogCache, KeepsAnswersForItsTtl) {
  CatalogCache cache(std::chrono::seconds(1), 10);
  EXPECT_FALSE(cache.get("q"));
  cache.put("q", books("B000000001"));
  ASSERT_TRUE(cache.get("q"));
  EXPECT_EQ(cache.get("q")->front().asin, "B000000001");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(cache.get("q"));
}

TEST(CatalogCache, DropsTheOldestWhenFull) {
  CatalogCache cache(std::chrono::seconds(60), 2);
  cache.put("a", books("A"));
  cache.put("b", books("B"));
  cache.put("a", books("A2"));  // refreshed: now the newest
  cache.put("c", books("C"));
  EXPECT_FALSE(cache.get("b"));
  EXPECT_EQ(cache.get("a")->front().asin, "A2");
  EXPECT_TRUE(cache.get("c"));
}

TEST(CatalogCache, ZeroTtlTurnsItOff) {
  CatalogCache cache(std::chrono::seconds(0), 10);
  cache.put("q", books("B000000001"));
  EXPECT_FALSE(cache.get("q"));
}

}  // namespace
}  // namespace ac
