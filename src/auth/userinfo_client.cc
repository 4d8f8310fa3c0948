#include "auth/userinfo_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "auth/user_claims.h"
#include "obs/log.h"

namespace ac {

namespace {

constexpr const char* kOutcomeLabels[] = {"cache_hit",    "shared",     "ok",
                                          "unauthorized", "bad_status", "invalid_answer",
                                          "timeout",      "busy",       "error"};

}  // namespace

UserInfoClient::UserInfoClient(UserInfoOptions options, HttpFetch fetch)
    : options_(std::move(options)), fetch_(std::move(fetch)), cache_(options_.max_entries) {
  static_assert(std::size(kOutcomeLabels) == kOutcomes);
  // All created up front, so that /metrics shows each outcome from the start (at 0).
  for (int i = 0; i < kOutcomes; ++i) {
    outcomes_[i] = &metrics::registry().userinfo_lookups_total.with(std::string("outcome=\"") +
                                                                    kOutcomeLabels[i] + '"');
  }
}

std::expected<User, UserInfoError> UserInfoClient::lookup(std::string_view token,
                                                          std::optional<double> token_expires,
                                                          std::int64_t now) {
  const Sha256Digest digest = sha256(token);
  const auto when = static_cast<double>(now);
  if (auto cached = cache_.find(digest, when)) {
    count(kCacheHit);
    return std::move(*cached);
  }

  bool shared = false;
  auto result = flights_.run(
      digest,
      [&]() -> std::expected<User, UserInfoError> {
        // A flight that finished between our cache miss and this one's start left its user here.
        if (auto cached = cache_.find(digest, when)) {
          count(kCacheHit);
          return std::move(*cached);
        }
        auto answer = call(token);
        if (answer) {
          double until = when + static_cast<double>(options_.cache_seconds);
          if (token_expires) until = std::min(until, *token_expires);
          cache_.insert(digest, *answer, until, when);
        }
        return answer;
      },
      &shared);
  if (shared) count(kShared);
  return result;
}

std::expected<User, UserInfoError> UserInfoClient::call(std::string_view token) {
  OutboundRequest request{.url = options_.url,
                          .headers = {{"Authorization", "Bearer " + std::string(token)},
                                      {"Accept", "application/json"}}};
  const auto response = fetch_(request);
  if (!response) {
    const auto kind = response.error().kind;
    count(kind == TransportError::kTimeout ? kTimeout
          : kind == TransportError::kBusy  ? kBusy
                                           : kError);
    log::warning("AUTH_USERINFO_URL did not answer", {{"error_type", response.error().message}});
    return std::unexpected(UserInfoError::kUnavailable);
  }
  if (response->status == 401 || response->status == 403) {
    count(kUnauthorized);
    return std::unexpected(UserInfoError::kRefused);
  }
  if (response->status != 200) {
    count(kBadStatus);
    log::warning("AUTH_USERINFO_URL answered an unexpected status", {{"status", response->status}});
    return std::unexpected(UserInfoError::kUnavailable);
  }
  auto user = user_from_json(nlohmann::json::parse(response->body, nullptr, false));
  if (!user) {
    count(kInvalidAnswer);
    log::warning("AUTH_USERINFO_URL answered 200 without a JSON user (sub, id or _id)");
    return std::unexpected(UserInfoError::kUnavailable);
  }
  count(kOk);
  return std::move(*user);
}

}  // namespace ac
