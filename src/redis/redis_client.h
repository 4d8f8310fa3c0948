#pragma once

// A pool of synchronous hiredis connections to one Redis (REDIS_URL). A command borrows an idle
// connection, or opens one (connect, AUTH, SELECT) while fewer than `pool_size` are open, or
// waits for one to come back. A connection whose command failed is closed, and so are the idle
// ones, which a Redis restart leaves stale; the next command opens a fresh one, so the client
// recovers by itself once Redis answers again. After a failed connect, commands fail at once for
// `retry_interval` before one of them tries again: a Redis that is down costs callers an error,
// not a wait. Its errors never contain the password.
//
// Thread safety: one RedisClient may be shared by any number of threads without synchronization.
// Every call blocks (for at most about connect_timeout + command_timeout): call it from worker
// threads, never from an I/O thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_url.h"

struct redisContext;

namespace ac {

// Redis's answer, owned. An error reply (WRONGTYPE, NOSCRIPT...) is a reply, not a failure.
struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray, kError };
  Type type = Type::kNil;
  std::int64_t integer = 0;          // kInteger
  std::string text;                  // kString, kStatus, kError
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  bool is_status(std::string_view status) const { return type == Type::kStatus && text == status; }
};

// Redis could not be reached, or the connection broke during the command (which then may or may
// not have run). `reason` is for the log.
struct RedisUnavailable {
  std::string reason;
};

// A Lua script, run by its SHA-1 (EVALSHA) and sent whole (EVAL) only when the server does not
// know it yet.
class RedisScript {
 public:
  explicit RedisScript(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;  // lower-case hex
};

struct RedisClientOptions {
  std::size_t pool_size = 16;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{1000};
  std::chrono::milliseconds retry_interval{250};  // between connect attempts while Redis is down
};

class RedisClient {
 public:
  using Result = std::expected<RedisReply, RedisUnavailable>;

  // Connects lazily, on the first command. Ignores SIGPIPE for the process: hiredis writes with
  // write(2), and a Redis that went away must be an error, not the end of the process.
  explicit RedisClient(RedisUrl url, RedisClientOptions options = {});
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Binary safe: each argument is sent as is.
  Result command(std::span<const std::string_view> argv);
  Result command(std::initializer_list<std::string_view> argv) {
    return command(std::span(argv.begin(), argv.size()));
  }
  // EVALSHA, then EVAL when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
  Result eval(const RedisScript& script, std::initializer_list<std::string_view> keys,
              std::initializer_list<std::string_view> args);
  // For /ready: Redis answered PING with PONG.
  std::expected<void, RedisUnavailable> ping();

 private:
  struct ContextFree {
    void operator()(redisContext* context) const;
  };
  using Context = std::unique_ptr<redisContext, ContextFree>;
  using Clock = std::chrono::steady_clock;

  std::expected<Context, RedisUnavailable> borrow();
  void give_back(Context context);
  // Closes a connection that failed, and the idle ones with it.
  void discard(Context context);
  std::expected<Context, RedisUnavailable> connect() const;

  const RedisUrl url_;
  const RedisClientOptions options_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Context> idle_;
  std::size_t open_ = 0;  // idle and borrowed
  // After a failed connect: commands fail at once until next_connect_, then one tries again.
  bool down_ = false;
  Clock::time_point next_connect_;
  std::string down_reason_;
};

}  // namespace ac
