#include "auth/authenticator.h"

#include <cctype>
#include <cstring>

namespace ac {
namespace {

AuthFailure unauthenticated(std::string_view reason) {
  return {AuthFailure::Kind::kUnauthenticated, reason};
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
      return std::nullopt;
    }
  }
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ') return std::nullopt;
  rest.remove_prefix(rest.find_first_not_of(' ') == std::string_view::npos
                         ? rest.size()
                         : rest.find_first_not_of(' '));
  // Two memchr scans: find_first_of's per-character search, and then any_of, showed in profiles.
  if (rest.empty() || std::memchr(rest.data(), ' ', rest.size()) != nullptr ||
      std::memchr(rest.data(), '\t', rest.size()) != nullptr) {
    return std::nullopt;
  }
  return rest;
}

Authenticator::Authenticator(std::optional<JwtVerifier> jwt,
                             std::unique_ptr<UserInfoClient> userinfo)
    : jwt_(std::move(jwt)), userinfo_(std::move(userinfo)) {}

bool Authenticator::may_block() const {
  return userinfo_ != nullptr || (jwt_ && jwt_->may_block());
}

std::expected<User, AuthFailure> Authenticator::authenticate(std::string_view authorization,
                                                             std::int64_t now) {
  const auto token = bearer_token(authorization);
  if (!token) return std::unexpected(unauthenticated("no bearer token"));

  std::optional<double> expires;
  if (jwt_) {
    auto verified = jwt_->verify(*token, now);
    if (!verified) {
      const auto kind = verified.error() == JwtError::kKeysUnavailable
                            ? AuthFailure::Kind::kUnavailable
                            : AuthFailure::Kind::kUnauthenticated;
      return std::unexpected(AuthFailure{kind, describe(verified.error())});
    }
    if (userinfo_ == nullptr) return std::move(verified->user);
    expires = verified->expires;
  } else {
    expires = unverified_expiry(*token);  // it can only shorten the cache
  }

  auto found = userinfo_->lookup(*token, expires, now);
  if (found) return std::move(*found);
  if (found.error() == UserInfoError::kRefused) {
    return std::unexpected(unauthenticated("refused by the user-info endpoint"));
  }
  return std::unexpected(
      AuthFailure{AuthFailure::Kind::kUnavailable, "user-info endpoint unavailable"});
}

}  // namespace ac
