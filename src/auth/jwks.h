#pragma once

// The platform's JSON Web Key Set at JWT_JWKS_URL (RFC 7517), kept as an immutable KeySet that is
// swapped whole when a fetch brings different keys: a reader holds its shared_ptr<const KeySet>
// for as long as it verifies, and the KeySet's generation tells caches that keys came or went.
//
// When fetched: at start-up (refresh); when the keys are older than the answer's Cache-Control
// max-age (default 300 s, at least 1 s, at most a day); and when a token names a kid the set does
// not hold, at most once per 30 s since the last fetch of any kind, so random kids cannot make us
// hammer the endpoint. A failed fetch keeps the keys there were and is not tried again for 30 s.
// One fetch at a time: of the callers that find the keys stale, one fetches and the others go on
// with the keys there are (or, when there are none yet, wait for that fetch).
// Thread-safe. keys() and keys_after_unknown_kid() may block on the network: never call them on an
// I/O thread.

#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/http_fetch.h"
#include "auth/public_key.h"

namespace ac {

struct KeySet {
  std::vector<PublicKey> keys;
  std::uint64_t generation = 0;  // 1 for the first set, then one more for each different set

  const PublicKey* find(std::string_view kid) const;
};

// The keys of a JWKS document that verify RS256 or ES256; other keys (oct, OKP, other curves,
// encryption keys) are skipped. An error when the document is not a JWKS.
std::expected<std::vector<PublicKey>, std::string> parse_jwks(std::string_view body);

// The max-age of a Cache-Control value, 0 for no-store or no-cache; nullopt when it says neither.
std::optional<std::int64_t> cache_max_age(std::string_view cache_control);

class JwksSource {
 public:
  static constexpr std::int64_t kRefetchIntervalSeconds = 30;
  static constexpr std::int64_t kDefaultMaxAgeSeconds = 300;
  static constexpr std::int64_t kLongestMaxAgeSeconds = 86'400;

  JwksSource(std::string url, HttpFetch fetch);

  // Fetches now, whatever the schedule says (start-up). The error says why it failed.
  std::expected<void, std::string> refresh(std::int64_t now);
  // The current keys, fetched again first when stale; nullptr when no fetch has succeeded yet.
  std::shared_ptr<const KeySet> keys(std::int64_t now);
  // The keys after fetching again for a kid the current set lacks, when the last fetch was at
  // least 30 s ago; otherwise the current keys.
  std::shared_ptr<const KeySet> keys_after_unknown_kid(std::int64_t now);

 private:
  bool stale(std::int64_t now) const;                        // state_mutex_ held
  std::expected<void, std::string> fetch(std::int64_t now);  // fetch_mutex_ held
  std::shared_ptr<const KeySet> current() const;

  const std::string url_;
  const HttpFetch fetch_;
  std::mutex fetch_mutex_;  // held for the whole of one fetch
  mutable std::mutex state_mutex_;
  std::shared_ptr<const KeySet> keys_;
  std::int64_t fresh_until_ = 0;
  std::optional<std::int64_t> last_attempt_;
  bool last_failed_ = false;
};

}  // namespace ac
