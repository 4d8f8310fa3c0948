#include "auth/jwks.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "obs/log.h"
#include "util/text.h"

namespace ac {
namespace {

bool same_keys(const std::vector<PublicKey>& a, const std::vector<PublicKey>& b) {
  return std::ranges::equal(a, b, [](const PublicKey& x, const PublicKey& y) {
    return x.kid() == y.kid() && x.der() == y.der();
  });
}

}  // namespace

const PublicKey* KeySet::find(std::string_view kid) const {
  const auto it =
      std::ranges::find_if(keys, [kid](const PublicKey& key) { return key.kid() == kid; });
  return it == keys.end() ? nullptr : &*it;
}

std::expected<std::vector<PublicKey>, std::string> parse_jwks(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::unexpected("not a JSON object");
  const auto keys = json.find("keys");
  if (keys == json.end() || !keys->is_array()) return std::unexpected("no \"keys\" array");
  std::vector<PublicKey> usable;
  for (const auto& jwk : *keys) {
    if (auto key = PublicKey::from_jwk(jwk)) usable.push_back(std::move(*key));
  }
  return usable;
}

std::optional<std::int64_t> cache_max_age(std::string_view cache_control) {
  std::optional<std::int64_t> max_age;
  while (!cache_control.empty()) {
    const auto comma = cache_control.find(',');
    const std::string directive =
        to_lower(trim_whitespace(std::string(cache_control.substr(0, comma))));
    cache_control =
        comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);
    if (directive == "no-store" || directive == "no-cache") return 0;
    if (!directive.starts_with("max-age=")) continue;
    std::int64_t seconds = 0;
    const std::string_view digits = std::string_view(directive).substr(8);
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (error == std::errc() && end == digits.data() + digits.size() && seconds >= 0) {
      max_age = seconds;
    }
  }
  return max_age;
}

JwksSource::JwksSource(std::string url, HttpFetch fetch)
    : url_(std::move(url)), fetch_(std::move(fetch)) {}

std::expected<void, std::string> JwksSource::refresh(std::int64_t now) {
  std::lock_guard fetching(fetch_mutex_);
  return fetch(now);
}

std::shared_ptr<const KeySet> JwksSource::keys(std::int64_t now) {
  {
    std::lock_guard lock(state_mutex_);
    if (!stale(now)) return keys_;
  }
  std::unique_lock fetching(fetch_mutex_, std::try_to_lock);
  if (!fetching) {
    if (auto keys = current()) return keys;  // another caller is fetching: these will do
    fetching.lock();
  }
  bool due = false;
  {
    std::lock_guard lock(state_mutex_);
    due = stale(now);
  }
  if (due) (void)fetch(now);
  return current();
}

std::shared_ptr<const KeySet> JwksSource::keys_after_unknown_kid(std::int64_t now) {
  std::lock_guard fetching(fetch_mutex_);
  bool due = false;
  {
    std::lock_guard lock(state_mutex_);
    due = !last_attempt_ || now >= *last_attempt_ + kRefetchIntervalSeconds;
  }
  if (due) (void)fetch(now);
  return current();
}

bool JwksSource::stale(std::int64_t now) const {
  if (last_failed_ && last_attempt_ && now < *last_attempt_ + kRefetchIntervalSeconds) return false;
  return !keys_ || now >= fresh_until_;
}

std::shared_ptr<const KeySet> JwksSource::current() const {
  std::lock_guard lock(state_mutex_);
  return keys_;
}

std::expected<void, std::string> JwksSource::fetch(std::int64_t now) {
  const auto response =
      fetch_(OutboundRequest{.url = url_, .headers = {{"Accept", "application/json"}}});
  std::expected<std::vector<PublicKey>, std::string> keys = std::unexpected("");
  if (!response) {
    keys = std::unexpected(response.error().message);
  } else if (response->status != 200) {
    keys = std::unexpected("answered " + std::to_string(response->status));
  } else {
    keys = parse_jwks(response->body);
  }

  std::lock_guard lock(state_mutex_);
  last_attempt_ = now;
  last_failed_ = !keys;
  if (!keys) {
    log::warning("JWT_JWKS_URL: fetching the keys failed; the keys there were stay in use",
                 {{"error_type", keys.error()}});
    return std::unexpected(keys.error());
  }
  const std::int64_t max_age = std::clamp(
      cache_max_age(response->header("cache-control").value_or("")).value_or(kDefaultMaxAgeSeconds),
      std::int64_t{1}, kLongestMaxAgeSeconds);
  fresh_until_ = now + max_age;
  if (!keys_ || !same_keys(keys_->keys, *keys)) {
    const std::uint64_t generation = keys_ ? keys_->generation + 1 : 1;
    keys_ = std::make_shared<const KeySet>(KeySet{std::move(*keys), generation});
    log::info("JWT_JWKS_URL: keys loaded",
              {{"keys", keys_->keys.size()}, {"generation", keys_->generation}});
  }
  return {};
}

}  // namespace ac
