#pragma once

// Pending states in Redis, so that any instance can finish a flow that another began (CONTRACT.md
// section 6). The key is "ac:state:" + hex(SHA-256(state)), never the state; the value is a Fernet
// token (the first key encrypts, every key decrypts) of the user id and the verifier, so Redis
// never holds a verifier in clear. put is SET NX EX ttl; consume is GETDEL, atomic across
// instances: of N concurrent consumers exactly one gets the value, and the entry is gone whatever
// the outcome. Redis drops an entry at its TTL, so an expired state reads as kUnknown, never
// kExpired. A value that does not decrypt is kUnknown (and logged); a Redis that cannot be reached
// is kUnavailable: there is no fallback to memory, which another instance could not read.
//
// Thread safety: safe to share between threads without synchronization; every call blocks on
// Redis (worker threads only).

#include <chrono>
#include <memory>

#include "crypto/multi_fernet.h"
#include "oauth/state_store.h"
#include "redis/redis_client.h"

namespace ac {

class RedisStateStore final : public StateStore {
 public:
  RedisStateStore(std::shared_ptr<RedisClient> client, MultiFernet cipher,
                  std::chrono::seconds ttl);

  std::expected<void, StateError> put(std::string_view state, std::string_view user_id,
                                      const PkceVerifier& verifier) override;
  std::expected<PkceVerifier, StateError> consume(std::string_view state,
                                                  std::string_view user_id) override;

 private:
  const std::shared_ptr<RedisClient> client_;
  const MultiFernet cipher_;
  const std::string ttl_seconds_;
};

}  // namespace ac
