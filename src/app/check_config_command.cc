#include <ostream>

#include "app/commands.h"
#include "config/settings.h"
#include "config/url.h"

namespace ac {
namespace {

std::string or_unset(const std::string& value) { return value.empty() ? "(not set)" : value; }
std::string set_or_unset(bool set) { return set ? "set" : "(not set)"; }

void print_settings(const Settings& s, std::ostream& out) {
  std::string missing;
  if (s.client_id.empty()) missing += " AUDIBLE_CLIENT_ID";
  if (s.client_secret.empty()) missing += " AUDIBLE_CLIENT_SECRET";
  if (s.redirect_uri.empty()) missing += " AUDIBLE_REDIRECT_URI";

  out << "integration:       "
      << (s.is_audible_configured() ? "configured" : "not configured (missing:" + missing + ")")
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
      << "database:          " << redact_url_password(s.database_url) << '\n'
      << "redis:             " << or_unset(redact_url_password(s.redis_url)) << '\n'
      << "listen:            " << (s.tls_cert_file.empty() ? "http" : "https") << "://" << s.host
      << ':' << s.port << '\n'
      << "log level:         " << s.log_level << '\n';
}

}  // namespace

int run_check_config(const EnvLookup& env, std::ostream& out, std::ostream& err) {
  const auto settings = load_settings(env);
  if (!settings) {
    err << "config error: " << settings.error() << '\n';
    return 1;
  }
  print_settings(*settings, out);
  if (const auto blocker = serve_blocker(*settings)) {
    out << "status:            unusable: " << *blocker << '\n';
    return 1;
  }
  out << "status:            usable\n";
  return 0;
}

}  // namespace ac
