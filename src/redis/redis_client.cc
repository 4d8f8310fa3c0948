#include "redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include <array>
#include <csignal>

namespace ac {
namespace {

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(duration.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>(duration.count() % 1000 * 1000);
  return tv;
}

RedisReply to_reply(const redisReply& raw) {
  RedisReply reply;
  switch (raw.type) {
    case REDIS_REPLY_INTEGER:
      reply.type = RedisReply::Type::kInteger;
      reply.integer = raw.integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      reply.type = raw.type == REDIS_REPLY_STRING   ? RedisReply::Type::kString
                   : raw.type == REDIS_REPLY_STATUS ? RedisReply::Type::kStatus
                                                    : RedisReply::Type::kError;
      reply.text.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = RedisReply::Type::kArray;
      reply.elements.reserve(raw.elements);
      for (std::size_t i = 0; i < raw.elements; ++i) {
        reply.elements.push_back(to_reply(*raw.element[i]));
      }
      break;
    default:
      reply.type = RedisReply::Type::kNil;
  }
  return reply;
}

// One command on one connection; a null reply means the connection is broken.
std::expected<RedisReply, RedisUnavailable> run(redisContext& context,
                                                std::span<const std::string_view> argv) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  pointers.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const auto arg : argv) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(&context, static_cast<int>(argv.size()), pointers.data(), lengths.data()));
  if (raw == nullptr) {
    return std::unexpected(
        RedisUnavailable{"redis connection failed: " + std::string(context.errstr)});
  }
  RedisReply reply = to_reply(*raw);
  freeReplyObject(raw);
  return reply;
}

std::string hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 15]);
  }
  return out;
}

}  // namespace

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  sha1_ = hex(digest);
}

void RedisClient::ContextFree::operator()(redisContext* context) const { redisFree(context); }

RedisClient::RedisClient(RedisUrl url, RedisClientOptions options)
    : url_(std::move(url)), options_(options) {
  std::signal(SIGPIPE, SIG_IGN);
}

RedisClient::~RedisClient() = default;

RedisClient::Result RedisClient::command(std::span<const std::string_view> argv) {
  auto context = borrow();
  if (!context) return std::unexpected(std::move(context.error()));
  auto reply = run(**context, argv);
  if (reply) {
    give_back(std::move(*context));
  } else {
    discard(std::move(*context));
  }
  return reply;
}

RedisClient::Result RedisClient::eval(const RedisScript& script,
                                      std::initializer_list<std::string_view> keys,
                                      std::initializer_list<std::string_view> args) {
  const std::string key_count = std::to_string(keys.size());
  std::vector<std::string_view> argv{"EVALSHA", script.sha1(), key_count};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = command(argv);
  if (!reply || !reply->is_error() || !reply->text.starts_with("NOSCRIPT")) return reply;
  argv[0] = "EVAL";
  argv[1] = script.source();
  return command(argv);
}

std::expected<void, RedisUnavailable> RedisClient::ping() {
  auto reply = command({"PING"});
  if (!reply) return std::unexpected(std::move(reply.error()));
  if (!reply->is_status("PONG")) {
    return std::unexpected(RedisUnavailable{"redis answered PING with: " + reply->text});
  }
  return {};
}

std::expected<RedisClient::Context, RedisUnavailable> RedisClient::borrow() {
  std::unique_lock lock(mutex_);
  // A borrowed connection comes back within a command timeout, unless it is reconnecting.
  const auto deadline = Clock::now() + options_.connect_timeout + options_.command_timeout;
  while (idle_.empty() && open_ >= options_.pool_size) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return std::unexpected(RedisUnavailable{"redis pool exhausted: every connection is busy"});
    }
  }
  if (!idle_.empty()) {
    Context context = std::move(idle_.back());
    idle_.pop_back();
    return context;
  }
  const auto now = Clock::now();
  if (down_) {
    if (now < next_connect_) return std::unexpected(RedisUnavailable{down_reason_});
    next_connect_ = now + options_.retry_interval;  // the others fail fast while this one tries
  }
  ++open_;
  lock.unlock();

  auto context = connect();
  lock.lock();
  if (!context) {
    --open_;
    down_ = true;
    next_connect_ = Clock::now() + options_.retry_interval;
    down_reason_ = context.error().reason;
    returned_.notify_one();
  } else {
    down_ = false;
  }
  return context;
}

void RedisClient::give_back(Context context) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(context));
  }
  returned_.notify_one();
}

void RedisClient::discard(Context context) {
  std::vector<Context> stale;
  {
    std::lock_guard lock(mutex_);
    stale.swap(idle_);
    open_ -= stale.size() + 1;
  }
  returned_.notify_all();
  context.reset();
  stale.clear();
}

std::expected<RedisClient::Context, RedisUnavailable> RedisClient::connect() const {
  const std::string where = "redis at " + url_.host + ":" + std::to_string(url_.port);
  Context context(
      redisConnectWithTimeout(url_.host.c_str(), url_.port, to_timeval(options_.connect_timeout)));
  if (!context) return std::unexpected(RedisUnavailable{where + ": out of memory"});
  if (context->err != 0) {
    return std::unexpected(RedisUnavailable{where + ": " + std::string(context->errstr)});
  }
  if (redisSetTimeout(context.get(), to_timeval(options_.command_timeout)) != REDIS_OK) {
    return std::unexpected(RedisUnavailable{where + ": cannot set the command timeout"});
  }

  if (!url_.password.empty()) {
    std::vector<std::string_view> argv{"AUTH"};
    if (url_.username) argv.push_back(*url_.username);
    argv.push_back(url_.password.reveal());
    auto reply = run(*context, argv);
    if (!reply) return std::unexpected(std::move(reply.error()));
    if (!reply->is_status("OK")) {
      // The server's words, unless they echo the password.
      const bool echoes = reply->text.find(url_.password.reveal()) != std::string::npos;
      return std::unexpected(
          RedisUnavailable{where + " refused AUTH" + (echoes ? "" : ": " + reply->text)});
    }
  }
  if (url_.db != 0) {
    const std::string db = std::to_string(url_.db);
    auto reply = run(*context, std::array<std::string_view, 2>{"SELECT", db});
    if (!reply) return std::unexpected(std::move(reply.error()));
    if (!reply->is_status("OK")) {
      return std::unexpected(
          RedisUnavailable{where + " refused SELECT " + db + ": " + reply->text});
    }
  }
  return context;
}

}  // namespace ac
