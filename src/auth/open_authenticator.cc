#include "auth/open_authenticator.h"

#include "crypto/fernet.h"
#include "net/http_client.h"

namespace ac {

std::expected<std::unique_ptr<Authenticator>, std::string> open_authenticator(
    const Settings& settings) {
  auto http = std::make_shared<HttpClient>(settings.auth_http);
  const HttpFetch fetch = [http](const OutboundRequest& request) { return http->send(request); };

  std::optional<JwtVerifier> jwt;
  if (settings.has_jwt_keys()) {
    std::shared_ptr<JwksSource> jwks;
    if (!settings.jwt_jwks_url.empty()) {
      jwks = std::make_shared<JwksSource>(settings.jwt_jwks_url, fetch);
      (void)jwks->refresh(unix_now());  // a failure is logged, and the keys are fetched when needed
    }
    auto verifier = JwtVerifier::create(JwtOptions{.hs256_secret = settings.jwt_secret_key,
                                                   .public_key_pem = settings.jwt_public_key_pem,
                                                   .issuer = settings.jwt_issuer,
                                                   .audience = settings.jwt_audience,
                                                   .jwks = std::move(jwks)});
    if (!verifier) return std::unexpected(verifier.error());
    jwt = std::move(*verifier);
  }
  std::unique_ptr<UserInfoClient> userinfo;
  if (!settings.auth_userinfo_url.empty()) {
    userinfo = std::make_unique<UserInfoClient>(
        UserInfoOptions{.url = settings.auth_userinfo_url,
                        .cache_seconds = settings.auth_userinfo_cache_seconds},
        fetch);
  }
  if (!jwt && !userinfo) {
    return std::unexpected(
        "no user could sign in: set JWT_SECRET_KEY, JWT_PUBLIC_KEY_FILE, JWT_JWKS_URL or "
        "AUTH_USERINFO_URL");
  }
  return std::make_unique<Authenticator>(std::move(jwt), std::move(userinfo));
}

}  // namespace ac
