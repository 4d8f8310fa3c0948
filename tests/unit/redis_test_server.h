#pragma once

// For the Redis tests: the CTest fixture's redis-server (its URL is in the file that
// AC_TEST_REDIS_URL_FILE names) and private servers that a test may stop and restart.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "redis/redis_client.h"
#include "redis/redis_url.h"

namespace ac::redis_test {

inline RedisUrl fixture_url() {
  const char* file = std::getenv("AC_TEST_REDIS_URL_FILE");
  if (file == nullptr) {
    throw std::runtime_error("AC_TEST_REDIS_URL_FILE is not set: run these tests with ctest");
  }
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  auto url = parse_redis_url(text);
  if (!url) throw std::runtime_error("no Redis URL in " + std::string(file) + ": " + url.error());
  return std::move(*url);
}

inline std::shared_ptr<RedisClient> fixture_client(RedisClientOptions options = {}) {
  return std::make_shared<RedisClient>(fixture_url(), options);
}

// Keys and names that no other test (they run in parallel against one server) uses.
inline std::string unique(std::string_view prefix) {
  std::uint8_t bytes[8];
  fill_random(bytes);
  std::string name(prefix);
  for (const auto byte : bytes) name += "0123456789abcdef"[byte % 16];
  return name;
}

// A loopback port that nothing listens on: bound, then given back.
inline int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

inline RedisUrl loopback_url(int port) {
  RedisUrl url;
  url.host = "127.0.0.1";
  url.port = port;
  return url;
}

// A redis-server of the test's own on a fixed port, stopped when it goes.
class PrivateRedis {
 public:
  explicit PrivateRedis(std::string options = "")
      : dir_(std::filesystem::temp_directory_path() / unique("ac-redis-test-")),
        port_(unused_port()),
        options_(std::move(options)) {
    start();
  }
  ~PrivateRedis() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  int port() const { return port_; }

  // On the same port each time.
  void start() { run("start " + dir_.string() + " " + std::to_string(port_) + " " + options_); }
  void stop() { run("stop " + dir_.string()); }

 private:
  static void run(const std::string& arguments) {
    const std::string command = std::string("bash ") + AC_REDIS_SH + " " + arguments;
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }

  std::filesystem::path dir_;
  int port_;
  std::string options_;
};

}  // namespace ac::redis_test
