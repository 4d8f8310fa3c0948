#include <algorithm>
#include <csignal>
#include <iostream>
#include <iterator>
#include <optional>

#include "api/admin_routes.h"
#include "api/library_routes.h"
#include "api/oauth_routes.h"
#include "api/ops_routes.h"
#include "api/service_app.h"
#include "app/commands.h"
#include "app/io_threads.h"
#include "app/shared_state.h"
#include "auth/open_authenticator.h"
#include "config/settings.h"
#include "crypto/token_cipher.h"
#include "http/background_server.h"
#include "http/server.h"
#include "net/http_client.h"
#include "oauth/connect_flow.h"
#include "oauth/provider_client.h"
#include "oauth/token_keeper.h"
#include "obs/log.h"
#include "obs/tcmalloc.h"
#include "store/audit_pruner.h"
#include "store/store_health.h"
#include "store/stores.h"
#include "sync/background_sync.h"

namespace ac {
namespace {

constexpr int kWorkerThreads = 16;
constexpr int kProviderThreads = 16;

// tcmalloc lets the free lists of all threads' caches hold 32 MiB by default: with some 40
// threads that each free what others allocated, they fill towards it in proportion to the work
// done, for many minutes, on a live heap of a few MiB (docs/OPERATIONS.md, "Memory"). At full
// authorize load all caches together hold about 3 MiB.
constexpr std::size_t kThreadCacheBytes = std::size_t{8} << 20;

// The bound above, unless the operator set tcmalloc's own variable.
void bound_thread_caches(const EnvLookup& env) {
  if (!env("TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES")) {
    tcmalloc::set_property(tcmalloc::kMaxThreadCacheBytes, kThreadCacheBytes);
  }
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
  bound_thread_caches(env);
  // A peer or a stdout that went away is an error value where it is written, never the end of
  // the process.
  std::signal(SIGPIPE, SIG_IGN);

  auto authenticator = open_authenticator(settings);
  if (!authenticator) return fail(err, authenticator.error());

  auto stores =
      open_stores(settings.database, StoreOptions{.pool_size = settings.database_pool_size});
  if (!stores) return fail(err, "DATABASE_URL: " + stores.error().message);
  // A database that opens but takes no write (a read-only file or server) would lose every link.
  auto store_health = StoreHealth::open(settings.database);
  if (auto writable = store_health->check_writable(); !writable) {
    return fail(err, "DATABASE_URL: " + writable.error().message);
  }
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
  ConnectFlow flow(settings, *shared->states, provider, cipher, accounts, *stores->audit);
  TokenKeeper tokens(accounts, provider, cipher, *shared->refresh_lock);
  ProviderBackoff backoff;
  AudibleApiClient api(settings, http, RetryPolicy{}, &backoff);
  LibrarySync sync(accounts, library, tokens, api, settings.library_page_size);
  CatalogCache cache(std::chrono::seconds(settings.catalog_cache_seconds),
                     static_cast<std::size_t>(settings.catalog_cache_entries));
  Catalog catalog(api, cache);

  std::vector<Route> routes = oauth_routes(flow, accounts, shared->states->blocks());
  auto library_api = library_routes(settings, sync, library, accounts, catalog);
  routes.insert(routes.end(), library_api.begin(), library_api.end());
  auto admin_api = admin_routes(*stores->audit);
  routes.insert(routes.end(), admin_api.begin(), admin_api.end());
  std::vector<std::pair<std::string, ReadinessCheck>> checks{
      {"store", [&accounts, &store_health]() -> std::optional<std::string> {
         auto ok = accounts.ping();
         if (ok) ok = store_health->check_writable();
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
  // Declared after the stores and Redis, so that it stops (joins its thread) before they close.
  ReadinessProbe readiness(std::move(checks));
  std::optional<AuditPruner> audit_pruner;  // likewise
  if (settings.audit_retention_days > 0) {
    audit_pruner.emplace(*stores->audit, std::chrono::days(settings.audit_retention_days));
  }
  auto ops = ops_routes(readiness);
  // With METRICS_PORT, /metrics is served on its own listener and not on the main one.
  std::vector<Route> metrics_routes;
  if (settings.metrics_port) {
    const auto is_metrics = [](const Route& route) { return route.pattern == "/metrics"; };
    std::ranges::copy_if(ops, std::back_inserter(metrics_routes), is_metrics);
    std::erase_if(ops, is_metrics);
  }
  routes.insert(routes.end(), ops.begin(), ops.end());
  ServiceApp app(settings, **authenticator, *shared->limiter, std::move(routes));

  ServerOptions options;
  options.host = settings.host;
  options.port = static_cast<unsigned short>(settings.port);
  options.io_threads = io_threads();
  options.worker_threads = kWorkerThreads;
  options.provider_threads = kProviderThreads;
  options.max_connections = settings.max_connections;
  options.tls_cert_file = settings.tls_cert_file;
  options.tls_key_file = settings.tls_key_file;
  std::optional<BackgroundSync> background;
  if (settings.background_sync_hours > 0 && settings.is_audible_configured()) {
    background.emplace(
        *stores->sync_leases, backoff,
        [&sync](const std::string& user_id) { return sync.sync(user_id); },
        BackgroundSyncOptions{.interval = settings.background_sync_interval(),
                              .concurrency = settings.background_sync_concurrency,
                              .owner = sync_lease_owner()});
    options.on_stop = [&background] { background->request_stop(); };
  }
  HttpServer server(options, app);
  if (auto listening = server.listen(); !listening) return fail(err, listening.error());
  log::info("listening", {{"host", settings.host},
                          {"port", server.port()},
                          {"tls", !settings.tls_cert_file.empty()},
                          {"audible_configured", settings.is_audible_configured()},
                          {"max_connections", server.max_connections()},
                          {"io_threads", options.io_threads}});
  std::optional<ServiceApp> metrics_app;
  std::optional<BackgroundServer> metrics_server;
  if (settings.metrics_port) {
    metrics_app.emplace(settings, **authenticator, *shared->limiter, std::move(metrics_routes),
                        OpenApi::kOmit);
    metrics_server.emplace(
        ServerOptions{.host = settings.host,
                      .port = static_cast<unsigned short>(*settings.metrics_port),
                      .worker_threads = 1,
                      .provider_threads = 1,
                      .max_connections = 64},
        *metrics_app);
    if (auto started = metrics_server->start(); !started) {
      return fail(err, "METRICS_PORT: " + started.error());
    }
    log::info("serving /metrics",
              {{"host", settings.host}, {"metrics_port", metrics_server->port()}});
  }
  if (background) background->start();
  server.run();
  // In-flight syncs finish (each bounded by the provider timeouts) and give their leases back.
  if (background) background->stop();
  // Draining is over and the handlers are gone: a second SIGTERM (an impatient orchestrator)
  // must not kill the process while it flushes its log and closes the stores.
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  readiness.stop();
  if (audit_pruner) audit_pruner->stop();
  log::info("stopped");
  return 0;
}

}  // namespace ac
