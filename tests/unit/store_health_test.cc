#include "store/store_health.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/schema_check.h"
#include "store/stores.h"

namespace ac {
namespace {

namespace fs = std::filesystem;

class SqliteHealth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ac-health-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    url_.kind = DatabaseUrl::Kind::kSqlite;
    url_.sqlite_path = (dir_ / "service.db").string();
    auto opened = open_stores(url_, StoreOptions{.pool_size = 2});
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  DatabaseUrl url_;
  Stores stores_;
};

TEST_F(SqliteHealth, AnOpenDatabaseIsWritable) {
  auto health = StoreHealth::open(url_);
  EXPECT_TRUE(health->check_writable());
}

TEST_F(SqliteHealth, ADeletedFileIsNotWritableAlthoughThePoolStillWrites) {
  auto health = StoreHealth::open(url_);
  ASSERT_TRUE(health->check_writable());
  fs::remove(url_.sqlite_path);
  EXPECT_TRUE(stores_.accounts->ping());  // the store's own connections do not notice
  const auto checked = health->check_writable();
  ASSERT_FALSE(checked);
  EXPECT_TRUE(checked.error().unavailable());
  EXPECT_NE(checked.error().message.find("service.db"), std::string::npos);
}

TEST_F(SqliteHealth, AReplacedFileIsNotTheOneTheServiceWrites) {
  auto health = StoreHealth::open(url_);
  ASSERT_TRUE(health->check_writable());
  fs::rename(url_.sqlite_path, url_.sqlite_path + ".old");
  fs::copy_file(url_.sqlite_path + ".old", url_.sqlite_path);
  const auto checked = health->check_writable();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("replaced"), std::string::npos);
}

TEST_F(SqliteHealth, AGoneDirectoryIsNotWritable) {
  auto health = StoreHealth::open(url_);
  ASSERT_TRUE(health->check_writable());
  fs::remove_all(dir_);
  EXPECT_FALSE(health->check_writable());
}

TEST_F(SqliteHealth, SchemaVersionsAreReadWithoutWriting) {
  const auto versions = read_schema_versions(url_);
  ASSERT_TRUE(versions) << versions.error().message;
  EXPECT_GT(versions->build, 0);
  EXPECT_EQ(versions->database, versions->build);

  DatabaseUrl fresh = url_;
  fresh.sqlite_path = (dir_ / "never-made.db").string();
  const auto none = read_schema_versions(fresh);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->database, 0);
  EXPECT_FALSE(fs::exists(fresh.sqlite_path));
}

}  // namespace
}  // namespace ac
