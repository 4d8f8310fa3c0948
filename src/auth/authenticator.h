#pragma once

// Turns a request's Authorization header into the platform's user (CONTRACT.md section 4).
// The scheme is `Bearer`, in any case (RFC 9110). With JWT keys, the token must verify first;
// then, with a user-info endpoint too, the endpoint supplies the user (the platform's tokens carry
// little more than sub and exp), else the claims do. Without JWT keys the endpoint alone decides
// (opaque tokens), its cache bounded by the token's exp when the token has one.
//
// Thread-safe when its parts are. authenticate() may block on the network exactly when
// may_block() says so (a JWKS or a user-info endpoint): the server must then call it off its
// I/O threads.

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string_view>

#include "auth/jwt_verifier.h"
#include "auth/user.h"
#include "auth/userinfo_client.h"

namespace ac {

struct AuthFailure {
  enum class Kind {
    kUnauthenticated,  // 401: no bearer token, or one that is not good
    kUnavailable,      // 503 auth_service_unavailable: we could not find out
  };
  Kind kind;
  std::string_view reason;  // for the log; never holds the token
};

class Authenticator {
 public:
  // At least one of the two.
  Authenticator(std::optional<JwtVerifier> jwt, std::unique_ptr<UserInfoClient> userinfo);

  // The user, whatever its is_active says (the caller answers 400 for an inactive one).
  std::expected<User, AuthFailure> authenticate(std::string_view authorization, std::int64_t now);

  bool may_block() const;

 private:
  std::optional<JwtVerifier> jwt_;
  std::unique_ptr<UserInfoClient> userinfo_;
};

// The token of a `Bearer <token>` header value (scheme in any case); nullopt otherwise.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace ac
