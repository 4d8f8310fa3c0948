#pragma once

// Settings from the environment (CONTRACT.md section 8), read and validated once at start.

#include <expected>
#include <optional>
#include <string>

#include "config/database_url.h"
#include "config/env.h"
#include "crypto/multi_fernet.h"
#include "crypto/secret.h"
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
};

struct Settings {
  // The provider.
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

  // Tokens at rest.
  std::optional<MultiFernet> token_keys;
  bool allow_plaintext_tokens = false;

  // Users.
  Secret jwt_secret_key;
  std::string jwt_public_key_file;
  std::string jwt_public_key_pem;
  std::string jwt_issuer;
  std::string jwt_audience;

  // Limits and state.
  RateLimits rate_limits;
  RateLimitStorage rate_limit_storage = RateLimitStorage::kMemory;
  int state_ttl_seconds = 900;

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

  // Client id, secret and redirect URI are all set.
  bool is_audible_configured() const;
};

// One line naming the variable at fault (never a secret's value) on error.
std::expected<Settings, std::string> load_settings(const EnvLookup& env);

// Why `serve` must not start with these settings, if it must not.
std::optional<std::string> serve_blocker(const Settings& settings);

}  // namespace ac
