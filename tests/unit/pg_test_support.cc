#include "pg_test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "store/pg_connection.h"

namespace ac::testing {
namespace {

std::string read_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::unique_ptr<PgConnection> connect_or_fail(const std::string& url) {
  auto conn = PgConnection::open(url);
  if (!conn) {
    ADD_FAILURE() << conn.error().message;
    return nullptr;
  }
  return std::move(*conn);
}

}  // namespace

std::optional<std::string> shared_postgres_url() {
  const char* file = std::getenv("AC_TEST_POSTGRES_URL_FILE");
  if (file == nullptr) return std::nullopt;
  std::string url = read_line(file);
  if (url.empty()) ADD_FAILURE() << "no PostgreSQL URL in " << file;
  return url;
}

std::string with_database(const std::string& url, const std::string& database) {
  const auto query = url.find('?');
  const auto slash = url.rfind('/', query);
  return url.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : url.substr(query));
}

std::string with_password(const std::string& url, const std::string& password) {
  const auto colon = url.find(':', url.find("://") + 3);
  return url.substr(0, colon + 1) + password + url.substr(url.find('@'));
}

ScratchPgDatabase::ScratchPgDatabase(const std::string& server_url) : server_url_(server_url) {
  static std::atomic<int> counter{0};
  name_ = "ac_scratch_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  url_ = with_database(server_url_, name_);
  if (auto admin = connect_or_fail(server_url_)) {
    for (const std::string& sql : {"DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)",
                                   "CREATE DATABASE " + name_ + " STRATEGY = FILE_COPY"}) {
      if (auto done = admin->exec(sql); !done) ADD_FAILURE() << done.error().message;
    }
  }
}

ScratchPgDatabase::~ScratchPgDatabase() {
  if (auto admin = connect_or_fail(server_url_)) {
    if (auto done = admin->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); !done) {
      ADD_FAILURE() << done.error().message;
    }
  }
}

void ScratchPgDatabase::exec(const std::string& sql) const {
  if (auto conn = connect_or_fail(url_)) {
    if (auto done = conn->exec_script(sql); !done) ADD_FAILURE() << done.error().message;
  }
}

std::int64_t ScratchPgDatabase::scalar(const std::string& sql) const {
  auto conn = connect_or_fail(url_);
  if (!conn) return -1;
  auto rows = conn->exec(sql);
  if (!rows || rows->rows() != 1) {
    ADD_FAILURE() << sql << ": " << (rows ? "not one row" : rows.error().message);
    return -1;
  }
  return rows->integer(0, 0);
}

PrivatePgServer::PrivatePgServer() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ac-pg-private.XXXXXX").string();
  dir_ = ::mkdtemp(pattern.data());
  if (start()) url_ = read_line(dir_ / "url");
  if (url_.empty()) ADD_FAILURE() << "the private PostgreSQL server did not start in " << dir_;
}

PrivatePgServer::~PrivatePgServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool PrivatePgServer::start() { return run("start"); }
bool PrivatePgServer::stop() { return run("stop"); }

bool PrivatePgServer::run(const char* command) {
  const std::string line =
      std::string(AC_TEST_POSTGRES_SCRIPT) + " " + command + " '" + dir_.string() + "'";
  return std::system(line.c_str()) == 0;
}

}  // namespace ac::testing
