#pragma once

// Settings from the environment (CONTRACT.md section 8), read and validated once at start.

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "config/database_url.h"
#include "config/env.h"
#include "crypto/multi_fernet.h"
#include "crypto/secret.h"
#include "net/address_set.h"
#include "redis/redis_url.h"

namespace ac {

enum class RateLimitStorage { kMemory, kRedis };

struct RateLimits {
  int authorize_per_minute = 10;
  int callback_per_minute = 5;
  int search_per_minute = 20;
  int general_per_minute = 100;
};

struct HttpClientSettings {
  int timeout_seconds = 30;
  int connect_timeout_seconds = 10;
  int max_connections = 5;
  int keepalive_connections = 2;
  int pool_timeout_seconds = 1;  // AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS: wait for a free connection
};

struct Settings {
  // The provider.
  bool integration_enabled = true;  // AUDIBLE_INTEGRATION_ENABLED: false turns the integration off
  std::string client_id;
  Secret client_secret;
  std::string redirect_uri;
  std::string auth_url = "https://www.audible.com/auth/oauth2";
  std::string api_base_url = "https://api.audible.com";
  std::string authorize_url;  // AUDIBLE_AUTHORIZE_URL, else {auth_url}/authorize
  std::string token_url;      // AUDIBLE_TOKEN_URL, else {auth_url}/token
  std::string revoke_url;     // AUDIBLE_REVOKE_URL, else {auth_url}/revoke
  std::string oauth_scope = "library profile";
  std::string issuer;  // empty: the callback's `iss` is not checked
  HttpClientSettings http;
  int library_page_size = 1000;      // AUDIBLE_LIBRARY_PAGE_SIZE, 1..1000
  int catalog_cache_seconds = 60;    // AUDIBLE_CATALOG_CACHE_SECONDS, 0 turns the cache off
  int catalog_cache_entries = 1000;  // AUDIBLE_CATALOG_CACHE_ENTRIES
  int audit_retention_days = 365;    // AUDIBLE_AUDIT_RETENTION_DAYS, 0 keeps events forever
  // The background library sync: each account about this often (0 turns it off), this many at
  // once per instance.
  double background_sync_hours = 12;    // AUDIBLE_BACKGROUND_SYNC_HOURS, 0 or 0.0001..8760
  int background_sync_concurrency = 2;  // AUDIBLE_BACKGROUND_SYNC_CONCURRENCY, 1..64

  // Tokens at rest.
  std::optional<MultiFernet> token_keys;
  bool allow_plaintext_tokens = false;

  // Users (CONTRACT.md section 4).
  Secret jwt_secret_key;  // JWT_SECRET_KEY, else the platform's SECRET_KEY
  std::string jwt_public_key_file;
  std::string jwt_public_key_pem;
  std::string jwt_jwks_url;  // JWT_JWKS_URL
  std::string jwt_issuer;
  std::string jwt_audience;
  std::string auth_userinfo_url;         // AUTH_USERINFO_URL
  int auth_userinfo_cache_seconds = 60;  // AUTH_USERINFO_CACHE_SECONDS, 0 turns the cache off
  // For the JWKS and the user-info endpoint: short timeouts (AUTH_HTTP_TIMEOUT_SECONDS, 5) and a
  // few connections, failing at once when all are busy, so a slow endpoint holds few threads.
  HttpClientSettings auth_http{.timeout_seconds = 5,
                               .connect_timeout_seconds = 2,
                               .max_connections = 8,
                               .keepalive_connections = 8,
                               .pool_timeout_seconds = 0};

  // Limits and state.
  RateLimits rate_limits;
  RateLimitStorage rate_limit_storage = RateLimitStorage::kMemory;
  int state_ttl_seconds = 900;
  int provider_calls_per_user = 4;    // AUDIBLE_PROVIDER_CALLS_PER_USER: in flight at once
  int auth_failures_per_minute = 60;  // AUDIBLE_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE, per address
  AddressSet trusted_proxies;         // FORWARDED_ALLOW_IPS (127.0.0.1,::1)

  // Process.
  std::string host = "127.0.0.1";
  int port = 8000;
  std::string database_url = "sqlite:///./data/audible-connect.db";  // as given, for display
  DatabaseUrl database{DatabaseUrl::Kind::kSqlite, "./data/audible-connect.db", ""};
  int database_pool_size = 10;    // DATABASE_POOL_SIZE: connections per instance
  std::string redis_url;          // as given, for display (with its password redacted)
  std::optional<RedisUrl> redis;  // parsed; nullopt when REDIS_URL is unset
  std::string log_level = "info";
  std::string tls_cert_file;
  std::string tls_key_file;
  std::size_t max_connections = 0;  // MAX_CONNECTIONS; 0: from RLIMIT_NOFILE, with headroom
  std::optional<int> metrics_port;  // METRICS_PORT: /metrics on its own listener (0: any port)

  // The browser frontend.
  // BACKEND_CORS_ORIGINS, each as a browser sends it in Origin: scheme://host[:port], lower case,
  // without a default port or a trailing slash. Empty: no CORS.
  std::vector<std::string> cors_origins;
  // DOCS_ASSETS_URL: where /docs and /redoc load Swagger UI and ReDoc from, a directory laid out as
  // npm's node_modules (swagger-ui-dist/, redoc/). Empty: the jsDelivr CDN, as FastAPI does.
  std::string docs_assets_url;

  // background_sync_hours in milliseconds; zero when the background sync is off.
  std::chrono::milliseconds background_sync_interval() const;
  // The integration is enabled and client id, secret and redirect URI are all set.
  bool is_audible_configured() const;
  // A JWT key of some kind: an HS256 secret, a PEM public key or a JWKS.
  bool has_jwt_keys() const;
};

// One line naming the variable at fault (never a secret's value) on error.
std::expected<Settings, std::string> load_settings(const EnvLookup& env);

// Why `serve` must not start with these settings, if it must not.
std::optional<std::string> serve_blocker(const Settings& settings);

}  // namespace ac
