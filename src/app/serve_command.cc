#include <sched.h>

#include <iostream>
#include <thread>

#include "api/library_routes.h"
#include "api/oauth_routes.h"
#include "api/ops_routes.h"
#include "api/service_app.h"
#include "app/commands.h"
#include "app/shared_state.h"
#include "auth/jwt_verifier.h"
#include "config/settings.h"
#include "crypto/token_cipher.h"
#include "http/server.h"
#include "net/http_client.h"
#include "oauth/connect_flow.h"
#include "oauth/provider_client.h"
#include "oauth/token_keeper.h"
#include "obs/log.h"
#include "store/stores.h"

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
  log::set_level(settings.log_level);

  auto verifier =
      JwtVerifier::create(JwtOptions{settings.jwt_secret_key, settings.jwt_public_key_pem,
                                     settings.jwt_issuer, settings.jwt_audience});
  if (!verifier) return fail(err, verifier.error());

  auto stores =
      open_stores(settings.database, StoreOptions{.pool_size = settings.database_pool_size});
  if (!stores) return fail(err, "DATABASE_URL: " + stores.error().message);
  AccountStore& accounts = *stores->accounts;
  LibraryStore& library = *stores->library;

  const TokenCipher cipher(settings.token_keys, settings.allow_plaintext_tokens);
  if (!cipher.encrypts()) {
    log::warning("AUDIBLE_TOKEN_ENCRYPTION_KEY is not set: tokens are stored in plaintext");
  }
  auto shared = open_shared_state(settings);
  if (!shared) return fail(err, shared.error());
  HttpClient http(settings.http);
  ProviderClient provider(settings, http);
  ConnectFlow flow(settings, *shared->states, provider, cipher, accounts);
  TokenKeeper tokens(accounts, provider, cipher, *shared->refresh_lock);
  AudibleApiClient api(settings, http);
  LibrarySync sync(accounts, library, tokens, api, settings.library_page_size);
  CatalogCache cache(std::chrono::seconds(settings.catalog_cache_seconds),
                     static_cast<std::size_t>(settings.catalog_cache_entries));
  Catalog catalog(api, cache);

  std::vector<Route> routes = oauth_routes(flow, accounts, shared->states->blocks());
  auto library_api = library_routes(settings, sync, library, accounts, catalog);
  routes.insert(routes.end(), library_api.begin(), library_api.end());
  std::vector<std::pair<std::string, ReadinessCheck>> checks{
      {"store", [&accounts]() -> std::optional<std::string> {
         auto ok = accounts.ping();
         if (ok) return std::nullopt;
         return ok.error().message;
       }}};
  if (shared->redis) {
    checks.push_back({"redis", [redis = shared->redis]() -> std::optional<std::string> {
                        auto ok = redis->ping();
                        if (ok) return std::nullopt;
                        return ok.error().reason;
                      }});
  }
  auto ops = ops_routes(std::move(checks));
  routes.insert(routes.end(), ops.begin(), ops.end());
  ServiceApp app(settings, *verifier, *shared->limiter, std::move(routes));

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
