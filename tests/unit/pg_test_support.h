#pragma once

// PostgreSQL for tests: the shared test server (started by the CTest fixture `postgres`, its URL in
// the file AC_TEST_POSTGRES_URL_FILE names), a database of one's own on it, and private servers
// for tests that stop and start theirs (tests/servers/postgres.sh).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace ac::testing {

// The shared server's URL; nullopt when AC_TEST_POSTGRES_URL_FILE is unset (run outside CTest).
// A set variable whose file cannot be read fails the test.
std::optional<std::string> shared_postgres_url();

// `url` with its database name replaced by `database`.
std::string with_database(const std::string& url, const std::string& database);

// `url` (postgresql://USER:PASSWORD@...) with its password replaced by `password`.
std::string with_password(const std::string& url, const std::string& password);

// A fresh database on the server at `server_url`, dropped (with any connection left) when this
// goes. Failures fail the running test.
class ScratchPgDatabase {
 public:
  explicit ScratchPgDatabase(const std::string& server_url);
  ~ScratchPgDatabase();
  ScratchPgDatabase(const ScratchPgDatabase&) = delete;
  ScratchPgDatabase& operator=(const ScratchPgDatabase&) = delete;

  const std::string& url() const { return url_; }
  // Runs `sql` (statements without parameters) in this database on a connection of its own.
  void exec(const std::string& sql) const;
  std::int64_t scalar(const std::string& sql) const;

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// A server of one's own in a temporary directory, stopped and removed when this goes.
class PrivatePgServer {
 public:
  PrivatePgServer();
  ~PrivatePgServer();
  PrivatePgServer(const PrivatePgServer&) = delete;
  PrivatePgServer& operator=(const PrivatePgServer&) = delete;

  const std::string& url() const { return url_; }
  bool start();  // again, after stop(): same port, same data
  bool stop();   // fast shutdown: clients are cut off at once

 private:
  bool run(const char* command);
  std::filesystem::path dir_;
  std::string url_;
};

}  // namespace ac::testing
