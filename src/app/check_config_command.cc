// check-config: prints what is configured (never a secret), then checks what serve needs from the
// world around it, read-only: the database (writable, schema not newer than this build), Redis,
// the listening address, and with --connect the provider's token endpoint. Exit 1 with one
// "status: unusable: <cause>" line naming the variable at fault whenever serve would refuse to
// start or could not work; "warning:" lines for what works but is probably not meant.

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/commands.h"
#include "config/settings.h"
#include "config/url.h"
#include "net/http_client.h"
#include "redis/redis_client.h"
#include "store/schema_check.h"
#include "store/store_health.h"

namespace ac {
namespace {

std::string or_unset(const std::string& value) { return value.empty() ? "(not set)" : value; }
std::string set_or_unset(bool set) { return set ? "set" : "(not set)"; }

// "12 h (43200 s)", "0.001 h (3.6 s)": as given, and what it means.
std::string format_hours(double hours) {
  char text[64];
  std::snprintf(text, sizeof text, "%g h (%g s)", hours, hours * 3600);
  return text;
}

std::string missing_provider_settings(const Settings& s) {
  std::string missing;
  if (s.client_id.empty()) missing += " AUDIBLE_CLIENT_ID";
  if (s.client_secret.empty()) missing += " AUDIBLE_CLIENT_SECRET";
  if (s.redirect_uri.empty()) missing += " AUDIBLE_REDIRECT_URI";
  return missing;
}

std::string join_origins(const Settings& s) {
  std::string joined;
  for (const auto& origin : s.cors_origins) joined += (joined.empty() ? "" : ", ") + origin;
  return joined;
}

void print_settings(const Settings& s, std::ostream& out) {
  out << "integration:       "
      << (!s.integration_enabled ? std::string("turned off (AUDIBLE_INTEGRATION_ENABLED=false)")
          : s.is_audible_configured()
              ? std::string("configured")
              : "not configured (missing:" + missing_provider_settings(s) + ")")
      << '\n'
      << "client id:         " << or_unset(s.client_id) << '\n'
      << "client secret:     " << set_or_unset(!s.client_secret.empty()) << '\n'
      << "redirect uri:      " << or_unset(s.redirect_uri) << '\n'
      << "authorize url:     " << s.authorize_url << '\n'
      << "token url:         " << s.token_url << '\n'
      << "revoke url:        " << s.revoke_url << '\n'
      << "api base url:      " << s.api_base_url << '\n'
      << "scope:             " << s.oauth_scope << '\n'
      << "issuer check:      " << or_unset(s.issuer) << '\n'
      << "http client:       timeout " << s.http.timeout_seconds << " s, connect "
      << s.http.connect_timeout_seconds << " s, " << s.http.max_connections << " connections, "
      << s.http.keepalive_connections << " kept alive\n"
      << "token encryption:  "
      << (s.token_keys ? std::to_string(s.token_keys->key_count()) +
                             (s.token_keys->key_count() == 1 ? " key" : " keys, the first encrypts")
                       : std::string("(no key)"))
      << '\n'
      << "plaintext tokens:  " << (s.allow_plaintext_tokens ? "accepted" : "refused") << '\n'
      << "jwt:               HS256 secret " << set_or_unset(!s.jwt_secret_key.empty())
      << ", public key " << or_unset(s.jwt_public_key_file) << ", issuer " << or_unset(s.jwt_issuer)
      << ", audience " << or_unset(s.jwt_audience) << '\n'
      << "rate limits/min:   authorize " << s.rate_limits.authorize_per_minute << ", callback "
      << s.rate_limits.callback_per_minute << ", search " << s.rate_limits.search_per_minute
      << ", general " << s.rate_limits.general_per_minute << " ("
      << (s.rate_limit_storage == RateLimitStorage::kRedis ? "redis" : "memory") << ")\n"
      << "state ttl:         " << s.state_ttl_seconds << " s\n"
      << "background sync:   "
      << (s.background_sync_hours == 0
              ? std::string("off (AUDIBLE_BACKGROUND_SYNC_HOURS=0)")
              : "every " + format_hours(s.background_sync_hours) + ", " +
                    std::to_string(s.background_sync_concurrency) + " at once")
      << '\n'
      << "database:          " << redact_url_password(s.database_url) << '\n'
      << "redis:             " << or_unset(redact_url_password(s.redis_url)) << '\n'
      << "listen:            " << (s.tls_cert_file.empty() ? "http" : "https") << "://" << s.host
      << ':' << s.port << '\n'
      << "log level:         " << s.log_level << '\n'
      << "cors origins:      " << (s.cors_origins.empty() ? "(none: CORS off)" : join_origins(s))
      << '\n'
      << "docs assets:       "
      << (s.docs_assets_url.empty() ? std::string("https://cdn.jsdelivr.net/npm (default)")
                                    : s.docs_assets_url)
      << '\n';
}

using Problem = std::optional<std::string>;

// A SQLite file that does not exist yet: serve creates it and its directories, so the nearest
// existing ancestor must be a directory this process may write.
Problem sqlite_creatable(const std::filesystem::path& file) {
  std::error_code ec;
  auto ancestor = std::filesystem::absolute(file, ec).parent_path();
  while (!std::filesystem::exists(ancestor, ec) && ancestor.has_relative_path()) {
    ancestor = ancestor.parent_path();
  }
  if (!std::filesystem::is_directory(ancestor, ec)) {
    return "DATABASE_URL: cannot create " + file.string() + ": " + ancestor.string() +
           " is not a directory";
  }
  if (::access(ancestor.c_str(), W_OK) != 0) {
    return "DATABASE_URL: cannot create " + file.string() + ": " + ancestor.string() +
           " is not writable";
  }
  return std::nullopt;
}

Problem check_database(const Settings& s, std::ostream& out) {
  if (s.database.kind == DatabaseUrl::Kind::kSqlite) {
    const std::filesystem::path file(s.database.sqlite_path);
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      return "DATABASE_URL: " + file.string() + " is a directory, not a database file";
    }
    if (!std::filesystem::exists(file, ec)) {
      if (auto problem = sqlite_creatable(file)) return problem;
      out << "schema:            none yet (serve creates the file)\n";
      return std::nullopt;
    }
  }
  if (auto writable = StoreHealth::open(s.database)->check_writable(); !writable) {
    return "DATABASE_URL: " + writable.error().message;
  }
  const auto versions = read_schema_versions(s.database);
  if (!versions) return "DATABASE_URL: " + versions.error().message;
  if (versions->database > versions->build) {
    return "DATABASE_URL: database schema version " + std::to_string(versions->database) +
           " is newer than this build knows (" + std::to_string(versions->build) +
           "): run the newer build";
  }
  out << "schema:            version " << versions->database << " of " << versions->build
      << (versions->database < versions->build ? " (serve or migrate applies the rest)" : "")
      << '\n';
  return std::nullopt;
}

Problem check_redis(const Settings& s) {
  if (!s.redis) return std::nullopt;
  RedisClient redis(*s.redis, RedisClientOptions{.pool_size = 1});
  if (auto answered = redis.ping(); !answered) {
    return "REDIS_URL: Redis does not answer: " + answered.error().reason;
  }
  return std::nullopt;
}

// Resolves HOST and binds HOST:PORT as serve would, then lets go.
Problem check_listen_address(const Settings& s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(s.port);
  if (const int rc = ::getaddrinfo(s.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return "HOST: cannot resolve \"" + s.host + "\": " + ::gai_strerror(rc);
  }
  const std::unique_ptr<addrinfo, void (*)(addrinfo*)> results(found, ::freeaddrinfo);
  const int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0) return "HOST: " + s.host + ": " + std::strerror(errno);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // as serve's acceptor does
  const int bound = ::bind(fd, found->ai_addr, found->ai_addrlen);
  const int bind_errno = errno;
  ::close(fd);
  if (bound == 0) return std::nullopt;
  if (bind_errno == EADDRINUSE) return "PORT: " + s.host + ":" + port + " is already in use";
  return "HOST: cannot listen on " + s.host + ":" + port + ": " + std::strerror(bind_errno);
}

// A refresh with a token no provider issued: "invalid_grant" means the endpoint answers and took
// the client credentials; 401 or "invalid_client" means it refused them.
Problem check_token_endpoint(const Settings& s, std::ostream& out) {
  if (!s.is_audible_configured()) return std::nullopt;
  HttpClient http(s.http);
  OutboundRequest request;
  request.method = "POST";
  request.url = s.token_url;
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body = form_body({{"grant_type", "refresh_token"},
                            {"refresh_token", "check-config-probe"},
                            {"client_id", s.client_id},
                            {"client_secret", s.client_secret.reveal()}});
  const auto response = http.send(request);
  if (!response) {
    return "AUDIBLE_TOKEN_URL: " + s.token_url + " does not answer: " + response.error().message;
  }
  const auto body = nlohmann::json::parse(response->body, nullptr, false);
  const bool refused_client =
      response->status == 401 || (body.is_object() && body.value("error", "") == "invalid_client");
  if (refused_client) {
    return "AUDIBLE_CLIENT_ID/AUDIBLE_CLIENT_SECRET: the token endpoint " + s.token_url +
           " refused the client credentials";
  }
  if (response->status >= 500 || response->status < 400) {
    return "AUDIBLE_TOKEN_URL: " + s.token_url + " answered HTTP " +
           std::to_string(response->status) + " to a refresh with an unknown token";
  }
  out << "token endpoint:    answers, client credentials accepted\n";
  return std::nullopt;
}

// The platform's "who am I" endpoint, asked without credentials: any answer below 500 (401 is
// the expected one) shows it is there.
Problem check_userinfo_endpoint(const Settings& s, std::ostream& out) {
  if (s.auth_userinfo_url.empty()) return std::nullopt;
  HttpClient http(s.http);
  OutboundRequest request;
  request.url = s.auth_userinfo_url;
  const auto response = http.send(request);
  if (!response) {
    return "AUTH_USERINFO_URL: " + s.auth_userinfo_url +
           " does not answer: " + response.error().message;
  }
  if (response->status >= 500) {
    return "AUTH_USERINFO_URL: " + s.auth_userinfo_url + " answered HTTP " +
           std::to_string(response->status);
  }
  out << "user-info:         answers (HTTP " << response->status << " without credentials)\n";
  return std::nullopt;
}

void print_warnings(const Settings& s, std::ostream& out) {
  if (!s.integration_enabled) {
    out << "warning:           integration turned off (AUDIBLE_INTEGRATION_ENABLED=false): its "
           "endpoints answer 503 audible_integration_not_configured\n";
  }
  if (!s.jwt_secret_key.empty() && s.jwt_secret_key.reveal().size() < 32) {
    out << "warning:           JWT_SECRET_KEY is shorter than 32 bytes: HS256 tokens signed with "
           "it can be brute-forced (RFC 7518 section 3.2)\n";
  }
}

Problem first_problem(const Settings& s, bool connect, std::ostream& out) {
  if (auto blocker = serve_blocker(s)) return blocker;
  if (s.integration_enabled && !s.is_audible_configured()) {
    return "integration not configured (missing:" + missing_provider_settings(s) +
           "); set AUDIBLE_INTEGRATION_ENABLED=false to serve without it";
  }
  if (auto problem = check_database(s, out)) return problem;
  if (auto problem = check_redis(s)) return problem;
  if (auto problem = check_listen_address(s)) return problem;
  if (!connect) return std::nullopt;
  if (auto problem = check_token_endpoint(s, out)) return problem;
  return check_userinfo_endpoint(s, out);
}

}  // namespace

int run_check_config(const EnvLookup& env, std::ostream& out, std::ostream& err, bool connect) {
  const auto settings = load_settings(env);
  if (!settings) {
    err << "config error: " << settings.error() << '\n';
    return 1;
  }
  print_settings(*settings, out);
  print_warnings(*settings, out);
  if (const auto problem = first_problem(*settings, connect, out)) {
    out << "status:            unusable: " << *problem << '\n';
    return 1;
  }
  out << "status:            usable\n";
  return 0;
}

}  // namespace ac
