#pragma once

// The platform's "who am I" endpoint (AUTH_USERINFO_URL, CONTRACT.md section 4), asked with the
// request's bearer token: a 200 JSON object with a user id is the user; 401 or 403 means the
// token is not (or no longer) good; anything else (another status, a body that is not such
// JSON, a timeout, no connection, every connection busy) means the endpoint is unavailable.
//
// Users are cached by the SHA-256 of the token (never the token) for cache_seconds, never past
// the token's expiry when the caller knows it, at most max_entries at once; refusals and failures
// are not cached. Concurrent lookups of one uncached token make one call, and the others wait
// for its answer (single flight). How long a call may take and how many run at once is the
// HttpFetch's business (the service gives it a client of its own with short timeouts and a few
// connections, failing at once when all are busy).
//
// Thread-safe. lookup() blocks on the network: never call it on an I/O thread. The token is
// never logged.

#include <condition_variable>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/digest_cache.h"
#include "auth/http_fetch.h"
#include "auth/user.h"

namespace ac {

enum class UserInfoError { kRefused, kUnavailable };

struct UserInfoOptions {
  std::string url;
  std::int64_t cache_seconds = 60;  // 0: no cache
  std::size_t max_entries = 10'000;
};

class UserInfoClient {
 public:
  UserInfoClient(UserInfoOptions options, HttpFetch fetch);

  // The user the endpoint says `token` belongs to. `token_expires`: the token's exp, when known.
  std::expected<User, UserInfoError> lookup(std::string_view token,
                                            std::optional<double> token_expires, std::int64_t now);

 private:
  struct Flight {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<std::expected<User, UserInfoError>> result;
  };

  std::expected<User, UserInfoError> call(std::string_view token) const;

  const UserInfoOptions options_;
  const HttpFetch fetch_;
  DigestCache<User> cache_;
  std::mutex flights_mutex_;
  std::unordered_map<Sha256Digest, std::shared_ptr<Flight>, Sha256DigestHash> flights_;
};

}  // namespace ac
