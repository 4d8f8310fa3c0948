#pragma once

// The Authenticator the settings describe (CONTRACT.md section 4): a JwtVerifier when a JWT key
// of any kind is set (its JWKS fetched once here, a failure only logged: it is fetched again when
// a token needs it), a UserInfoClient when AUTH_USERINFO_URL is set, both reaching the network
// through one HttpClient of their own (the auth_http settings), apart from the provider's.

#include <expected>
#include <memory>
#include <string>

#include "auth/authenticator.h"
#include "config/settings.h"

namespace ac {

// The error names the setting at fault.
std::expected<std::unique_ptr<Authenticator>, std::string> open_authenticator(
    const Settings& settings);

}  // namespace ac
