#include "config/settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/database_url.h"
#include "config/url.h"
#include "redis/redis_url.h"
#include "util/text.h"

namespace ac {
namespace {

// Thrown inside load_settings only, and turned into its error value there.
struct SettingError {
  std::string message;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return content.str();
}

class EnvReader {
 public:
  explicit EnvReader(const EnvLookup& env) : env_(env) {}

  // An empty value counts as unset.
  std::optional<std::string> text(const std::string& name) const {
    auto value = env_(name);
    if (!value) return std::nullopt;
    std::string trimmed = trim_whitespace(std::move(*value));
    if (trimmed.empty()) return std::nullopt;
    return trimmed;
  }

  std::string text_or(const std::string& name, std::string fallback) const {
    return text(name).value_or(std::move(fallback));
  }

  // NAME, or the contents of the file NAME_FILE names; not both.
  Secret secret(const std::string& name) const {
    const auto direct = text(name);
    const auto path = text(name + "_FILE");
    if (direct && path) throw SettingError{"set " + name + " or " + name + "_FILE, not both"};
    if (!path) return Secret(direct.value_or(""));
    auto content = read_file(*path);
    if (!content) throw SettingError{name + "_FILE: cannot read " + *path};
    Secret value(trim_whitespace(std::move(*content)));
    if (value.empty()) throw SettingError{name + "_FILE: " + *path + " is empty"};
    return value;
  }

  int integer(const std::string& name, int fallback, int min, int max) const {
    const auto value = text(name);
    if (!value) return fallback;
    int parsed = 0;
    const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
    if (ec != std::errc() || end != value->data() + value->size() || parsed < min || parsed > max) {
      throw SettingError{name + " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max) + " (got \"" + *value + "\")"};
    }
    return parsed;
  }

  // A decimal number in [min, max], or exactly 0 when `zero_allowed` (the off switch).
  double decimal(const std::string& name, double fallback, double min, double max,
                 const std::string& range) const {
    const auto value = text(name);
    if (!value) return fallback;
    double parsed = 0;
    const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
    const bool whole = ec == std::errc() && end == value->data() + value->size();
    if (!whole || !(parsed == 0 || (parsed >= min && parsed <= max))) {
      throw SettingError{name + " must be " + range + " (got \"" + *value + "\")"};
    }
    return parsed;
  }

  bool boolean(const std::string& name, bool fallback) const {
    const auto value = text(name);
    if (!value) return fallback;
    const std::string v = to_lower(*value);
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    throw SettingError{name + " must be true or false (got \"" + *value + "\")"};
  }

  std::string one_of(const std::string& name, std::string fallback,
                     std::initializer_list<std::string_view> allowed) const {
    const auto value = text(name);
    if (!value) return fallback;
    const std::string v = to_lower(*value);
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return v;
    std::string list;
    for (const auto choice : allowed) list += (list.empty() ? "" : ", ") + std::string(choice);
    throw SettingError{name + " must be one of " + list + " (got \"" + *value + "\")"};
  }

  // An http(s) URL; plain http only to a loopback host. Trailing slashes are dropped.
  std::string provider_url(const std::string& name, std::string fallback) const {
    std::string url = outbound_url(name, std::move(fallback));
    while (url.ends_with('/')) url.pop_back();
    return url;
  }

  // An http(s) URL; plain http only to a loopback host. Kept exactly as given.
  std::string outbound_url(const std::string& name, std::string fallback = "") const {
    std::string url = text_or(name, std::move(fallback));
    if (url.empty()) return url;
    if (!parse_http_url(url))
      throw SettingError{name + " must be an http(s) URL (got \"" + redact_url_password(url) +
                         "\")"};
    if (!is_allowed_outbound_url(url)) {
      throw SettingError{name + " must use https unless its host is a loopback address (got \"" +
                         redact_url_password(url) + "\")"};
    }
    return url;
  }

 private:
  const EnvLookup& env_;
};

void load_provider(const EnvReader& env, Settings& s) {
  s.integration_enabled = env.boolean("AUDIBLE_INTEGRATION_ENABLED", true);
  s.client_id = env.text_or("AUDIBLE_CLIENT_ID", "");
  s.client_secret = env.secret("AUDIBLE_CLIENT_SECRET");
  s.redirect_uri = env.text_or("AUDIBLE_REDIRECT_URI", "");
  if (!s.redirect_uri.empty() && !parse_http_url(s.redirect_uri)) {
    throw SettingError{"AUDIBLE_REDIRECT_URI must be an absolute http(s) URL (got \"" +
                       redact_url_password(s.redirect_uri) + "\")"};
  }
  s.auth_url = env.provider_url("AUDIBLE_AUTH_URL", s.auth_url);
  s.api_base_url = env.provider_url("AUDIBLE_API_BASE_URL", s.api_base_url);
  s.authorize_url = env.provider_url("AUDIBLE_AUTHORIZE_URL", s.auth_url + "/authorize");
  s.token_url = env.provider_url("AUDIBLE_TOKEN_URL", s.auth_url + "/token");
  s.revoke_url = env.provider_url("AUDIBLE_REVOKE_URL", s.auth_url + "/revoke");
  s.oauth_scope = env.text_or("AUDIBLE_OAUTH_SCOPE", s.oauth_scope);
  s.issuer = env.text_or("AUDIBLE_ISSUER", "");
  s.http.timeout_seconds = env.integer("AUDIBLE_HTTP_TIMEOUT_SECONDS", 30, 1, 600);
  s.http.connect_timeout_seconds = env.integer("AUDIBLE_HTTP_CONNECT_TIMEOUT_SECONDS", 10, 1, 600);
  s.http.max_connections = env.integer("AUDIBLE_HTTP_MAX_CONNECTIONS", 5, 1, 1000);
  s.http.keepalive_connections = env.integer("AUDIBLE_HTTP_KEEPALIVE_CONNECTIONS", 2, 0, 1000);
  s.http.pool_timeout_seconds = env.integer("AUDIBLE_HTTP_POOL_TIMEOUT_SECONDS", 1, 0, 600);
  s.library_page_size = env.integer("AUDIBLE_LIBRARY_PAGE_SIZE", 1000, 1, 1000);
  s.catalog_cache_seconds = env.integer("AUDIBLE_CATALOG_CACHE_SECONDS", 60, 0, 86'400);
  s.catalog_cache_entries = env.integer("AUDIBLE_CATALOG_CACHE_ENTRIES", 1000, 1, 1'000'000);
  s.audit_retention_days = env.integer("AUDIBLE_AUDIT_RETENTION_DAYS", 365, 0, 36'500);
  s.background_sync_hours =
      env.decimal("AUDIBLE_BACKGROUND_SYNC_HOURS", 12, 0.0001, 8760,
                  "0 (off) or a number of hours from 0.0001 to 8760, such as 12 or 0.5");
  s.background_sync_concurrency = env.integer("AUDIBLE_BACKGROUND_SYNC_CONCURRENCY", 2, 1, 64);
  if (s.http.keepalive_connections > s.http.max_connections) {
    throw SettingError{
        "AUDIBLE_HTTP_KEEPALIVE_CONNECTIONS must not exceed AUDIBLE_HTTP_MAX_CONNECTIONS"};
  }
}

void load_tokens(const EnvReader& env, Settings& s) {
  const Secret keys = env.secret("AUDIBLE_TOKEN_ENCRYPTION_KEY");
  if (!keys.empty()) {
    auto parsed = MultiFernet::parse(keys.reveal());
    if (!parsed) throw SettingError{"AUDIBLE_TOKEN_ENCRYPTION_KEY: " + parsed.error()};
    s.token_keys = std::move(*parsed);
  }
  s.allow_plaintext_tokens = env.boolean("AUDIBLE_ALLOW_PLAINTEXT_TOKENS", false);
}

void load_users(const EnvReader& env, Settings& s) {
  s.jwt_secret_key = env.secret("JWT_SECRET_KEY");
  if (s.jwt_secret_key.empty()) s.jwt_secret_key = env.secret("SECRET_KEY");
  s.jwt_public_key_file = env.text_or("JWT_PUBLIC_KEY_FILE", "");
  if (!s.jwt_public_key_file.empty()) {
    auto pem = read_file(s.jwt_public_key_file);
    if (!pem) throw SettingError{"JWT_PUBLIC_KEY_FILE: cannot read " + s.jwt_public_key_file};
    if (pem->find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      throw SettingError{"JWT_PUBLIC_KEY_FILE: " + s.jwt_public_key_file +
                         " holds no PEM public key (-----BEGIN PUBLIC KEY-----)"};
    }
    s.jwt_public_key_pem = std::move(*pem);
  }
  s.jwt_jwks_url = env.outbound_url("JWT_JWKS_URL");
  s.jwt_issuer = env.text_or("JWT_ISSUER", "");
  s.jwt_audience = env.text_or("JWT_AUDIENCE", "");
  s.auth_userinfo_url = env.outbound_url("AUTH_USERINFO_URL");
  s.auth_userinfo_cache_seconds = env.integer("AUTH_USERINFO_CACHE_SECONDS", 60, 0, 86'400);
  s.auth_http.timeout_seconds = env.integer("AUTH_HTTP_TIMEOUT_SECONDS", 5, 1, 60);
  s.auth_http.connect_timeout_seconds =
      std::min(s.auth_http.connect_timeout_seconds, s.auth_http.timeout_seconds);
}

void load_limits(const EnvReader& env, Settings& s) {
  constexpr int kMaxPerMinute = 1'000'000'000;
  s.rate_limits.authorize_per_minute =
      env.integer("AUDIBLE_RATE_LIMIT_PER_MINUTE", 10, 1, kMaxPerMinute);
  s.rate_limits.callback_per_minute =
      env.integer("AUDIBLE_RATE_LIMIT_CALLBACK_PER_MINUTE", 5, 1, kMaxPerMinute);
  s.rate_limits.search_per_minute =
      env.integer("AUDIBLE_RATE_LIMIT_SEARCH_PER_MINUTE", 20, 1, kMaxPerMinute);
  s.rate_limits.general_per_minute =
      env.integer("AUDIBLE_RATE_LIMIT_GENERAL_PER_MINUTE", 100, 1, kMaxPerMinute);
  s.rate_limit_storage =
      env.one_of("AUDIBLE_RATE_LIMIT_STORAGE", "memory", {"memory", "redis"}) == "redis"
          ? RateLimitStorage::kRedis
          : RateLimitStorage::kMemory;
  s.state_ttl_seconds = env.integer("AUDIBLE_STATE_TTL_SECONDS", 900, 1, 86'400);
  s.provider_calls_per_user = env.integer("AUDIBLE_PROVIDER_CALLS_PER_USER", 4, 1, 1000);
  s.auth_failures_per_minute =
      env.integer("AUDIBLE_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE", 60, 1, kMaxPerMinute);
  auto proxies = AddressSet::parse(env.text_or("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"));
  if (!proxies) throw SettingError{"FORWARDED_ALLOW_IPS: " + proxies.error()};
  s.trusted_proxies = std::move(*proxies);
}

void load_process(const EnvReader& env, Settings& s) {
  s.host = env.text_or("HOST", s.host);
  s.port = env.integer("PORT", s.port, 0, 65535);
  s.database_url = env.text_or("DATABASE_URL", s.database_url);
  auto database = parse_database_url(s.database_url);
  if (!database) throw SettingError{database.error()};
  s.database = std::move(*database);
  s.database_pool_size = env.integer("DATABASE_POOL_SIZE", s.database_pool_size, 1, 1000);
  s.redis_url = env.text_or("REDIS_URL", "");
  if (!s.redis_url.empty()) {
    auto redis = parse_redis_url(s.redis_url);
    if (!redis) throw SettingError{"REDIS_URL: " + redis.error()};
    s.redis = std::move(*redis);
  }
  if (s.rate_limit_storage == RateLimitStorage::kRedis && s.redis_url.empty()) {
    throw SettingError{"AUDIBLE_RATE_LIMIT_STORAGE=redis needs REDIS_URL"};
  }
  s.log_level = env.one_of("LOG_LEVEL", "info", {"debug", "info", "warning", "error"});
  s.tls_cert_file = env.text_or("TLS_CERT_FILE", "");
  s.tls_key_file = env.text_or("TLS_KEY_FILE", "");
  s.max_connections = static_cast<std::size_t>(env.integer("MAX_CONNECTIONS", 0, 0, 10'000'000));
  if (env.text("METRICS_PORT")) s.metrics_port = env.integer("METRICS_PORT", 0, 0, 65535);
  if (s.tls_cert_file.empty() != s.tls_key_file.empty()) {
    throw SettingError{"TLS_CERT_FILE and TLS_KEY_FILE must be set together"};
  }
  for (const auto& [name, path] :
       {std::pair{"TLS_CERT_FILE", s.tls_cert_file}, std::pair{"TLS_KEY_FILE", s.tls_key_file}}) {
    if (!path.empty() && !std::ifstream(path)) {
      throw SettingError{std::string(name) + ": cannot read " + path};
    }
  }
}

// One BACKEND_CORS_ORIGINS entry as a browser's Origin header gives it.
std::string cors_origin(std::string entry) {
  while (entry.ends_with('/')) entry.pop_back();
  if (entry == "*") {
    throw SettingError{
        "BACKEND_CORS_ORIGINS: \"*\" is refused, as credentials are allowed: list the origins"};
  }
  const auto url = parse_http_url(entry);
  if (!url || !url->path.empty()) {
    throw SettingError{"BACKEND_CORS_ORIGINS: \"" + entry +
                       "\" is not an origin (scheme://host[:port], without a path)"};
  }
  return url_origin(*url);
}

// The platform's forms: a JSON list of strings, or origins separated by commas.
std::vector<std::string> cors_origins(const std::string& value) {
  std::vector<std::string> entries;
  if (value.starts_with('[')) {
    const auto list = nlohmann::json::parse(value, nullptr, false);
    if (!list.is_array() ||
        !std::all_of(list.begin(), list.end(), [](const auto& e) { return e.is_string(); })) {
      throw SettingError{
          "BACKEND_CORS_ORIGINS must be a JSON list of strings or comma-separated "
          "origins"};
    }
    for (const auto& entry : list) entries.push_back(entry.get<std::string>());
  } else {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      entries.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  std::vector<std::string> origins;
  for (auto& entry : entries) {
    std::string trimmed = trim_whitespace(entry);
    if (trimmed.empty()) continue;
    std::string origin = cors_origin(std::move(trimmed));
    if (std::find(origins.begin(), origins.end(), origin) == origins.end()) {
      origins.push_back(std::move(origin));
    }
  }
  return origins;
}

void load_frontend(const EnvReader& env, Settings& s) {
  if (const auto origins = env.text("BACKEND_CORS_ORIGINS"))
    s.cors_origins = cors_origins(*origins);
  // Loaded by the browser, not by us; https unless loopback, as mixed content would be blocked.
  s.docs_assets_url = env.provider_url("DOCS_ASSETS_URL", "");
}

}  // namespace

std::chrono::milliseconds Settings::background_sync_interval() const {
  return std::chrono::milliseconds(std::llround(background_sync_hours * 3'600'000.0));
}

bool Settings::has_jwt_keys() const {
  return !jwt_secret_key.empty() || !jwt_public_key_pem.empty() || !jwt_jwks_url.empty();
}

bool Settings::is_audible_configured() const {
  return integration_enabled && !client_id.empty() && !client_secret.empty() &&
         !redirect_uri.empty();
}

std::expected<Settings, std::string> load_settings(const EnvLookup& env) {
  const EnvReader reader(env);
  Settings settings;
  try {
    load_provider(reader, settings);
    load_tokens(reader, settings);
    load_users(reader, settings);
    load_limits(reader, settings);
    load_process(reader, settings);
    load_frontend(reader, settings);
  } catch (const SettingError& error) {
    return std::unexpected(error.message);
  }
  return settings;
}

std::optional<std::string> serve_blocker(const Settings& settings) {
  if (!settings.token_keys && !settings.allow_plaintext_tokens) {
    return "AUDIBLE_TOKEN_ENCRYPTION_KEY is not set (set AUDIBLE_ALLOW_PLAINTEXT_TOKENS=true to "
           "store tokens unencrypted, as the Python service did)";
  }
  if (!settings.has_jwt_keys() && settings.auth_userinfo_url.empty()) {
    return "none of JWT_SECRET_KEY (or SECRET_KEY), JWT_PUBLIC_KEY_FILE, JWT_JWKS_URL and "
           "AUTH_USERINFO_URL is set: no user could sign in";
  }
  // The provider sends the authorization code there: in clear text it could be read on the way.
  if (settings.is_audible_configured() && !is_allowed_outbound_url(settings.redirect_uri)) {
    return "AUDIBLE_REDIRECT_URI must use https unless its host is a loopback address (got \"" +
           redact_url_password(settings.redirect_uri) + "\")";
  }
  return std::nullopt;
}

}  // namespace ac
