// The SQLite database holds the tokens: its directory is made 0700 and the database, WAL and SHM
// files are 0600 whatever the umask (issue 11, defect 4).

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite_database.h"

namespace ac {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

class SqlitePermissions : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ac-sqlite-perm-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    fs::permissions(root_, fs::perms(0755));
    saved_umask_ = ::umask(0);  // the most permissive umask: nothing is taken away
  }
  void TearDown() override {
    ::umask(saved_umask_);
    fs::remove_all(root_);
  }

  // Opens the database and writes, so that the WAL and SHM files exist (until the last
  // connection closes), and checks that all three are 0600.
  std::unique_ptr<SqliteDatabase> open_and_write(const fs::path& file) {
    auto database = SqliteDatabase::open(file.string(), 2);
    EXPECT_TRUE(database) << database.error().message;
    if (!database) return nullptr;
    {
      auto lease = (*database)->acquire();
      EXPECT_TRUE(lease);
      EXPECT_TRUE(SqliteDatabase::exec(lease->get(), "CREATE TABLE IF NOT EXISTS t (x INTEGER)"));
      EXPECT_TRUE(SqliteDatabase::exec(lease->get(), "INSERT INTO t VALUES (1)"));
    }
    for (const auto& path : files(file)) EXPECT_EQ(mode_of(path), 0600u) << path;
    return std::move(*database);
  }

  static std::vector<std::string> files(const fs::path& file) {
    return {file.string(), file.string() + "-wal", file.string() + "-shm"};
  }

  fs::path root_;
  mode_t saved_umask_ = 0;
};

TEST_F(SqlitePermissions, NewDirectoriesAndFilesArePrivate) {
  const fs::path file = root_ / "data" / "nested" / "audible-connect.db";
  const auto database = open_and_write(file);
  EXPECT_EQ(mode_of(root_ / "data"), 0700u);
  EXPECT_EQ(mode_of(root_ / "data" / "nested"), 0700u);
  EXPECT_EQ(mode_of(root_), 0755u) << "a directory that was there is left as it was";
}

TEST_F(SqlitePermissions, FilesLeftOpenByAnOlderVersionAreTightened) {
  const fs::path file = root_ / "old.db";
  const auto first = open_and_write(file);  // kept open, so that the WAL and SHM files stay
  for (const auto& path : files(file)) ASSERT_EQ(::chmod(path.c_str(), 0644), 0) << path;
  const auto second = open_and_write(file);
}

}  // namespace
}  // namespace ac
