#include <sched.h>

#include <iostream>
#include <thread>

#include "api/library_routes.h"
#include "api/oauth_routes.h"
#include "api/ops_routes.h"
#include "api/service_app.h"
#include "app/commands.h"
#include "auth/jwt_verifier.h"
#include "config/settings.h"
#include "crypto/token_cipher.h"
#include "http/rate_limiter.h"
#include "http/server.h"
#include "net/http_client.h"
#include "oauth/connect_flow.h"
#include "oauth/memory_state_store.h"
#include "oauth/provider_client.h"
#include "oauth/token_keeper.h"
#include "obs/log.h"
#include "store/sqlite_account_store.h"
#include "store/sqlite_library_store.h"

namespace ac {
namespace {

constexpr int kWorkerThreads = 16;

// The CPUs this process may run on (taskset, cgroup cpusets), not all the machine has: one I/O
// thread per usable CPU, so that they never take turns on one core.
int usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int fail(std::ostream& err, const std::string& message) {
  err << "audible-connect: " << message << '\n';
  return 1;
}

}  // namespace

int run_serve(const EnvLookup& env, std::ostream& err) {
  auto loaded = load_settings(env);
  if (!loaded) return fail(err, "config error: " + loaded.error());
  const Settings settings = std::move(*loaded);
  if (const auto blocker = serve_blocker(settings)) return fail(err, "cannot serve: " + *blocker);
  if (!settings.database_url.starts_with("sqlite:///")) {
    return fail(err, "DATABASE_URL: this build stores accounts in SQLite only (sqlite:///PATH)");
  }
  if (!settings.redis_url.empty()) {
    return fail(err, "REDIS_URL: this build keeps states and rate limits in memory only");
  }
  log::set_level(settings.log_level);

  auto verifier =
      JwtVerifier::create(JwtOptions{settings.jwt_secret_key, settings.jwt_public_key_pem,
                                     settings.jwt_issuer, settings.jwt_audience});
  if (!verifier) return fail(err, verifier.error());

  const std::string db_path = settings.database_url.substr(std::string_view("sqlite:///").size());
  auto database = SqliteDatabase::open(db_path, kWorkerThreads);
  if (!database) return fail(err, "DATABASE_URL: " + database.error().message);
  const std::shared_ptr<SqliteDatabase> shared_database(std::move(*database));
  SqliteAccountStore accounts(shared_database);
  SqliteLibraryStore library(shared_database);

  const TokenCipher cipher(settings.token_keys, settings.allow_plaintext_tokens);
  if (!cipher.encrypts()) {
    log::warning("AUDIBLE_TOKEN_ENCRYPTION_KEY is not set: tokens are stored in plaintext");
  }
  MemoryStateStore states(std::chrono::seconds(settings.state_ttl_seconds));
  HttpClient http(settings.http);
  ProviderClient provider(settings, http);
  ConnectFlow flow(settings, states, provider, cipher, accounts);
  TokenKeeper tokens(accounts, provider, cipher);
  AudibleApiClient api(settings, http);
  LibrarySync sync(accounts, library, tokens, api, settings.library_page_size);
  CatalogCache cache(std::chrono::seconds(settings.catalog_cache_seconds),
                     static_cast<std::size_t>(settings.catalog_cache_entries));
  Catalog catalog(api, cache);
  MemoryRateLimiter limiter;

  std::vector<Route> routes = oauth_routes(flow, accounts, /*state_store_blocks=*/false);
  auto library_api = library_routes(settings, sync, library, accounts, catalog);
  routes.insert(routes.end(), library_api.begin(), library_api.end());
  auto ops = ops_routes({{"store", [&accounts]() -> std::optional<std::string> {
                            auto ok = accounts.ping();
                            if (ok) return std::nullopt;
                            return ok.error().message;
                          }}});
  routes.insert(routes.end(), ops.begin(), ops.end());
  ServiceApp app(settings, *verifier, limiter, std::move(routes));

  ServerOptions options;
  options.host = settings.host;
  options.port = static_cast<unsigned short>(settings.port);
  options.io_threads = usable_cpus();
  options.worker_threads = kWorkerThreads;
  options.tls_cert_file = settings.tls_cert_file;
  options.tls_key_file = settings.tls_key_file;
  HttpServer server(options, app);
  if (auto listening = server.listen(); !listening) return fail(err, listening.error());
  log::info("listening", {{"host", settings.host},
                          {"port", server.port()},
                          {"tls", !settings.tls_cert_file.empty()},
                          {"audible_configured", settings.is_audible_configured()}});
  server.run();
  log::info("stopped");
  return 0;
}

}  // namespace ac
