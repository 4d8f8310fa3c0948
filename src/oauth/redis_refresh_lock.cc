#include "oauth/redis_refresh_lock.h"

#include <algorithm>
#include <array>
#include <random>
#include <thread>

#include "crypto/random.h"
#include "obs/log.h"

namespace ac {
namespace {

const RedisScript& release_script() {
  static const RedisScript script(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");
  return script;
}

std::string random_owner() {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::array<std::uint8_t, 16> bytes;
  fill_random(bytes);
  std::string owner;
  for (const std::uint8_t byte : bytes) {
    owner.push_back(kDigits[byte >> 4]);
    owner.push_back(kDigits[byte & 15]);
  }
  return owner;
}

// 20-50 ms, so that waiters on different instances do not poll in step.
std::chrono::milliseconds poll_delay() {
  thread_local std::minstd_rand generator(std::random_device{}());
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 50)(generator));
}

class RedisHeld final : public RefreshLock::Held {
 public:
  RedisHeld(std::shared_ptr<RedisClient> client, std::string key, std::string owner)
      : client_(std::move(client)), key_(std::move(key)), owner_(std::move(owner)) {}

  ~RedisHeld() override {
    auto reply = client_->eval(release_script(), {key_}, {owner_});
    if (!reply || reply->is_error()) {
      // Not fatal: the lock expires after its ttl.
      log::warning("refresh lock release failed",
                   {{"error_type", reply ? reply->text : reply.error().reason}});
    }
  }

 private:
  std::shared_ptr<RedisClient> client_;
  std::string key_;
  std::string owner_;
};

}  // namespace

RedisRefreshLock::RedisRefreshLock(std::shared_ptr<RedisClient> client,
                                   std::chrono::milliseconds ttl,
                                   std::chrono::milliseconds wait_bound)
    : client_(std::move(client)), ttl_ms_(std::to_string(ttl.count())), wait_bound_(wait_bound) {}

std::expected<std::unique_ptr<RefreshLock::Held>, RefreshLockError> RedisRefreshLock::acquire(
    const std::string& user_id) {
  const auto deadline = std::chrono::steady_clock::now() + wait_bound_;
  std::string key = "ac:refresh-lock:" + user_id;
  std::string owner = random_owner();
  while (true) {
    auto reply = client_->command({"SET", key, owner, "NX", "PX", ttl_ms_});
    if (!reply || reply->is_error()) {
      log::warning("refresh lock unavailable",
                   {{"error_type", reply ? reply->text : reply.error().reason}});
      return std::unexpected(RefreshLockError::kUnavailable);
    }
    if (reply->is_status("OK")) {
      return std::make_unique<RedisHeld>(client_, std::move(key), std::move(owner));
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::unexpected(RefreshLockError::kTimeout);
    // The last try comes at the deadline itself.
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(poll_delay(), deadline - now));
  }
}

}  // namespace ac
