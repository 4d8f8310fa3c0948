#include "config/settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ac {
namespace {

std::expected<Settings, std::string> load(std::map<std::string, std::string> env) {
  return load_settings(map_environment(std::move(env)));
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("ac-settings-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(Settings, DefaultsMatchTheContract) {
  const auto s = load({});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->auth_url, "https://www.audible.com/auth/oauth2");
  EXPECT_EQ(s->api_base_url, "https://api.audible.com");
  EXPECT_EQ(s->authorize_url, "https://www.audible.com/auth/oauth2/authorize");
  EXPECT_EQ(s->token_url, "https://www.audible.com/auth/oauth2/token");
  EXPECT_EQ(s->revoke_url, "https://www.audible.com/auth/oauth2/revoke");
  EXPECT_EQ(s->oauth_scope, "library profile");
  EXPECT_EQ(s->http.timeout_seconds, 30);
  EXPECT_EQ(s->http.connect_timeout_seconds, 10);
  EXPECT_EQ(s->http.max_connections, 5);
  EXPECT_EQ(s->http.keepalive_connections, 2);
  EXPECT_EQ(s->rate_limits.authorize_per_minute, 10);
  EXPECT_EQ(s->rate_limits.callback_per_minute, 5);
  EXPECT_EQ(s->rate_limits.search_per_minute, 20);
  EXPECT_EQ(s->rate_limits.general_per_minute, 100);
  EXPECT_EQ(s->rate_limit_storage, RateLimitStorage::kMemory);
  EXPECT_EQ(s->state_ttl_seconds, 900);
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_EQ(s->port, 8000);
  EXPECT_EQ(s->database_url, "sqlite:///./data/audible-connect.db");
  EXPECT_EQ(s->log_level, "info");
  EXPECT_FALSE(s->token_keys);
  EXPECT_FALSE(s->allow_plaintext_tokens);
  EXPECT_FALSE(s->is_audible_configured());
}

TEST(Settings, ConfiguredNeedsIdSecretAndRedirect) {
  std::map<std::string, std::string> env = {{"AUDIBLE_CLIENT_ID", "id"},
                                            {"AUDIBLE_CLIENT_SECRET", "secret"},
                                            {"AUDIBLE_REDIRECT_URI", "https://app.example/cb"}};
  EXPECT_TRUE(load(env)->is_audible_configured());
  for (const auto& name : {"AUDIBLE_CLIENT_ID", "AUDIBLE_CLIENT_SECRET", "AUDIBLE_REDIRECT_URI"}) {
    auto partial = env;
    partial.erase(name);
    EXPECT_FALSE(load(partial)->is_audible_configured()) << name;
  }
}

TEST(Settings, EndpointOverridesAndTrailingSlash) {
  const auto s = load({{"AUDIBLE_AUTH_URL", "http://127.0.0.1:9000/oauth/"},
                       {"AUDIBLE_TOKEN_URL", "http://localhost:9001/t"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->authorize_url, "http://127.0.0.1:9000/oauth/authorize");
  EXPECT_EQ(s->token_url, "http://localhost:9001/t");
  EXPECT_EQ(s->revoke_url, "http://127.0.0.1:9000/oauth/revoke");
}

TEST(Settings, PlainHttpRefusedOffLoopback) {
  const auto s = load({{"AUDIBLE_API_BASE_URL", "http://api.audible.com"}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("AUDIBLE_API_BASE_URL"), std::string::npos);
  EXPECT_FALSE(load({{"AUDIBLE_AUTH_URL", "ftp://x"}}));
  EXPECT_FALSE(load({{"AUDIBLE_REVOKE_URL", "https://user:pw@x/revoke"}}));
}

TEST(Settings, SecretsFromFiles) {
  const auto key = FernetKey::generate().text();
  TempFile key_file(key + "\n");
  TempFile secret_file("client-secret\n");
  TempFile jwt_file("jwt-secret");
  const auto s = load({{"AUDIBLE_TOKEN_ENCRYPTION_KEY_FILE", key_file.path()},
                       {"AUDIBLE_CLIENT_SECRET_FILE", secret_file.path()},
                       {"JWT_SECRET_KEY_FILE", jwt_file.path()}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->client_secret.reveal(), "client-secret");
  EXPECT_EQ(s->jwt_secret_key.reveal(), "jwt-secret");
  ASSERT_TRUE(s->token_keys);
  EXPECT_EQ(s->token_keys->key_count(), 1u);
}

TEST(Settings, SecretAndItsFileTogetherIsAnError) {
  TempFile file("x");
  const auto s = load({{"JWT_SECRET_KEY", "a"}, {"JWT_SECRET_KEY_FILE", file.path()}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "set JWT_SECRET_KEY or JWT_SECRET_KEY_FILE, not both");
}

TEST(Settings, UnreadableSecretFileNamesTheVariable) {
  const auto s = load({{"AUDIBLE_CLIENT_SECRET_FILE", "/nonexistent/secret"}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "AUDIBLE_CLIENT_SECRET_FILE: cannot read /nonexistent/secret");
}

TEST(Settings, BadKeyNeverEchoesTheSecret) {
  const std::string bad = "this-is-a-secret-but-not-a-fernet-key";
  const auto s = load({{"AUDIBLE_TOKEN_ENCRYPTION_KEY", FernetKey::generate().text() + "," + bad}});
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().starts_with("AUDIBLE_TOKEN_ENCRYPTION_KEY: key 2 "));
  EXPECT_EQ(s.error().find(bad), std::string::npos);
  EXPECT_EQ(s.error().find('\n'), std::string::npos);
}

TEST(Settings, NumbersAreCheckedWithTheirRange) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"AUDIBLE_HTTP_TIMEOUT_SECONDS", "abc"},
           {"AUDIBLE_HTTP_TIMEOUT_SECONDS", "0"},
           {"AUDIBLE_HTTP_TIMEOUT_SECONDS", "10s"},
           {"PORT", "70000"},
           {"PORT", "-1"},
           {"AUDIBLE_STATE_TTL_SECONDS", "0"},
           {"AUDIBLE_RATE_LIMIT_PER_MINUTE", "99999999999999"},
           {"AUDIBLE_RATE_LIMIT_PER_MINUTE", "-5"},
           {"AUDIBLE_RATE_LIMIT_STORAGE", "disk"},
           {"AUDIBLE_ALLOW_PLAINTEXT_TOKENS", "maybe"},
           {"LOG_LEVEL", "loud"},
       }) {
    const auto s = load({{name, value}});
    ASSERT_FALSE(s) << name << "=" << value;
    EXPECT_TRUE(s.error().starts_with(name)) << s.error();
  }
  EXPECT_EQ(load({{"AUDIBLE_HTTP_TIMEOUT_SECONDS", " 45 "}})->http.timeout_seconds, 45);
  EXPECT_EQ(load({{"PORT", ""}})->port, 8000);  // empty counts as unset
}

TEST(Settings, BackgroundSyncHoursAreADecimalNumberOrZero) {
  const auto defaults = load({});
  EXPECT_EQ(defaults->background_sync_interval(), std::chrono::hours(12));
  EXPECT_EQ(defaults->background_sync_concurrency, 2);
  EXPECT_EQ(load({{"AUDIBLE_BACKGROUND_SYNC_HOURS", "0.001"}})->background_sync_interval(),
            std::chrono::milliseconds(3600));
  EXPECT_EQ(load({{"AUDIBLE_BACKGROUND_SYNC_HOURS", "0"}})->background_sync_hours, 0);
  EXPECT_EQ(load({{"AUDIBLE_BACKGROUND_SYNC_CONCURRENCY", "8"}})->background_sync_concurrency, 8);
  for (const std::string bad : {"abc", "-1", "nan", "inf", "1e9", "0.00001", "12h", "0x10"}) {
    const auto s = load({{"AUDIBLE_BACKGROUND_SYNC_HOURS", bad}});
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error(),
              "AUDIBLE_BACKGROUND_SYNC_HOURS must be 0 (off) or a number of hours from 0.0001 to "
              "8760, such as 12 or 0.5 (got \"" +
                  bad + "\")");
  }
  for (const std::string bad : {"0", "65", "two"}) {
    const auto s = load({{"AUDIBLE_BACKGROUND_SYNC_CONCURRENCY", bad}});
    ASSERT_FALSE(s) << bad;
    EXPECT_TRUE(
        s.error().starts_with("AUDIBLE_BACKGROUND_SYNC_CONCURRENCY must be a whole number "
                              "from 1 to 64"))
        << s.error();
  }
}

TEST(Settings, RedisStorageNeedsRedisUrl) {
  EXPECT_FALSE(load({{"AUDIBLE_RATE_LIMIT_STORAGE", "redis"}}));
  EXPECT_TRUE(
      load({{"AUDIBLE_RATE_LIMIT_STORAGE", "REDIS"}, {"REDIS_URL", "redis://127.0.0.1:6379/0"}}));
  EXPECT_FALSE(load({{"REDIS_URL", "http://x"}}));
}

TEST(Settings, DatabaseUrlMustBeSqliteOrPostgres) {
  EXPECT_TRUE(load({{"DATABASE_URL", "postgresql://u:p@localhost/db"}}));
  EXPECT_TRUE(load({{"DATABASE_URL", "sqlite:////tmp/x.db"}}));
  const auto s = load({{"DATABASE_URL", "mysql://u:hunter2@localhost/db"}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().find("hunter2"), std::string::npos);
  EXPECT_FALSE(load({{"DATABASE_URL", "sqlite:///"}}));
}

TEST(Settings, TlsFilesComeInPairs) {
  TempFile cert("cert");
  EXPECT_FALSE(load({{"TLS_CERT_FILE", cert.path()}}));
  EXPECT_FALSE(load({{"TLS_CERT_FILE", cert.path()}, {"TLS_KEY_FILE", "/nonexistent"}}));
  EXPECT_TRUE(load({{"TLS_CERT_FILE", cert.path()}, {"TLS_KEY_FILE", cert.path()}}));
}

TEST(Settings, JwtPublicKeyFileMustHoldAPublicKey) {
  TempFile not_pem("hello");
  EXPECT_FALSE(load({{"JWT_PUBLIC_KEY_FILE", not_pem.path()}}));
  TempFile pem("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n");
  EXPECT_TRUE(load({{"JWT_PUBLIC_KEY_FILE", pem.path()}}));
}

TEST(Settings, ServeNeedsAKeyOrThePlaintextFlagAndAJwtKey) {
  const auto key = FernetKey::generate().text();
  EXPECT_TRUE(serve_blocker(*load({{"JWT_SECRET_KEY", "j"}})));
  EXPECT_FALSE(
      serve_blocker(*load({{"JWT_SECRET_KEY", "j"}, {"AUDIBLE_TOKEN_ENCRYPTION_KEY", key}})));
  EXPECT_FALSE(
      serve_blocker(*load({{"JWT_SECRET_KEY", "j"}, {"AUDIBLE_ALLOW_PLAINTEXT_TOKENS", "true"}})));
  EXPECT_TRUE(serve_blocker(*load({{"AUDIBLE_TOKEN_ENCRYPTION_KEY", key}})));
}

}  // namespace
}  // namespace ac
