#include "http/redis_rate_limiter.h"

#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {
namespace {

// A window's key outlives its minute by one more, so that instances whose clocks differ by a few
// seconds still count in the same key.
const RedisScript& count_script() {
  static const RedisScript script(R"lua(
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
)lua");
  return script;
}
constexpr std::string_view kWindowExpirySeconds = "120";

}  // namespace

RedisRateLimiter::RedisRateLimiter(std::shared_ptr<RedisClient> client)
    : client_(std::move(client)) {}

RateDecision RedisRateLimiter::hit(std::string_view key, int limit_per_minute,
                                   std::int64_t now_seconds) {
  const std::int64_t minute = now_seconds / 60;
  std::string window_key = "ac:rl:";
  window_key.append(key);
  window_key += ':';
  window_key += std::to_string(minute);

  auto reply = client_->eval(count_script(), {window_key}, {kWindowExpirySeconds});
  if (!reply) return fall_back(reply.error().reason, key, limit_per_minute, now_seconds);
  if (reply->type != RedisReply::Type::kInteger) {
    return fall_back(reply->is_error() ? reply->text : "unexpected reply", key, limit_per_minute,
                     now_seconds);
  }
  if (falling_back_.load(std::memory_order_relaxed) && falling_back_.exchange(false)) {
    log::info("rate limiter back on redis");
  }
  if (reply->integer > limit_per_minute) {
    return RateDecision{false, static_cast<int>(60 - now_seconds % 60)};
  }
  return RateDecision{};
}

RateDecision RedisRateLimiter::fall_back(std::string_view reason, std::string_view key,
                                         int limit_per_minute, std::int64_t now_seconds) {
  if (!falling_back_.exchange(true)) {
    log::warning("rate limiter falling back to memory: redis unavailable",
                 {{"error_type", reason}});
  }
  metrics::registry().rate_limit_fallback_total.inc();
  return fallback_.hit(key, limit_per_minute, now_seconds);
}

}  // namespace ac
