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
// Every lookup counts once in audible_connect_userinfo_lookups_total{outcome}: cache_hit, shared
// (answered by a concurrent call for the same token), or the call's own outcome: ok, unauthorized
// (401/403), bad_status, invalid_answer (200 without a JSON user), timeout, busy (every
// connection in use), error (no connection, or another transport failure).
//
// Thread-safe. lookup() blocks on the network: never call it on an I/O thread. The token is
// never logged.

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "auth/digest_cache.h"
#include "auth/http_fetch.h"
#include "auth/user.h"
#include "obs/metrics.h"
#include "util/single_flight.h"

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
  enum Outcome {
    kCacheHit,
    kShared,
    kOk,
    kUnauthorized,
    kBadStatus,
    kInvalidAnswer,
    kTimeout,
    kBusy,
    kError,
    kOutcomes
  };

  std::expected<User, UserInfoError> call(std::string_view token);
  void count(Outcome outcome) { outcomes_[outcome]->inc(); }

  const UserInfoOptions options_;
  const HttpFetch fetch_;
  std::array<metrics::Counter*, kOutcomes> outcomes_;  // the registry's, resolved once
  DigestCache<User> cache_;
  SingleFlight<Sha256Digest, std::expected<User, UserInfoError>, Sha256DigestHash> flights_;
};

}  // namespace ac
