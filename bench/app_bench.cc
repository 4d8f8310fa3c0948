// The service's request handling without the network: ServiceApp::handle for GET /health and for
// POST /oauth/authorize (JWT verify, rate limit, PKCE, state store, URL, JSON, access log), and
// the route questions the server asks before handle().
//   build/release/bench/app_bench   (logs go to stdout: redirect it, e.g. > /dev/null)

#include <benchmark/benchmark.h>

#include <filesystem>

#include "api/oauth_routes.h"
#include "api/ops_routes.h"
#include "api/readiness_probe.h"
#include "api/service_app.h"
#include "auth/authenticator.h"
#include "crypto/base64url.h"
#include "crypto/hmac_sha256.h"
#include "oauth/connect_flow.h"
#include "oauth/memory_state_store.h"
#include "obs/log.h"
#include "store/stores.h"

namespace ac {
namespace {

std::string hs256_token(std::string_view secret) {
  auto b64 = [](std::string_view text) {
    return base64url::encode(
        std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
        base64url::Padding::kStrip);
  };
  const std::string signed_part =
      b64(R"({"alg":"HS256","typ":"JWT"})") + "." +
      b64(R"({"sub":"bench-user","subscription_tier":"premium","exp":99999999999})");
  const auto mac = hmac_sha256(secret, signed_part);
  return signed_part + "." + base64url::encode(mac, base64url::Padding::kStrip);
}

Settings bench_settings() {
  return *load_settings(map_environment({{"JWT_SECRET_KEY", "bench-secret"},
                                         {"AUDIBLE_CLIENT_ID", "bench"},
                                         {"AUDIBLE_CLIENT_SECRET", "bench"},
                                         {"AUDIBLE_REDIRECT_URI", "https://app.example/cb"},
                                         {"AUDIBLE_RATE_LIMIT_PER_MINUTE", "1000000000"}}));
}

// Members in the order they need each other: the provider client reads the settings when made.
struct Fixture {
  Fixture() {
    const auto path = std::filesystem::temp_directory_path() / "ac-app-bench.db";
    std::filesystem::remove(path);
    stores = *open_sqlite_stores(path.string(), StoreOptions{.pool_size = 2});
    flow = std::make_unique<ConnectFlow>(settings, states, provider, cipher, *stores.accounts,
                                         *stores.audit);
    auto routes = oauth_routes(*flow, *stores.accounts, false);
    auto ops = ops_routes(probe);
    routes.insert(routes.end(), ops.begin(), ops.end());
    app = std::make_unique<ServiceApp>(settings, authenticator, limiter, std::move(routes));
    token = hs256_token("bench-secret");
  }

  Settings settings = bench_settings();
  Authenticator authenticator{*JwtVerifier::create(JwtOptions{Secret("bench-secret"), "", "", ""}),
                              nullptr};
  ReadinessProbe probe{{}};
  MemoryStateStore states{std::chrono::seconds(900)};
  HttpClient http{HttpClientSettings{}};
  ProviderClient provider{settings, http};
  TokenCipher cipher{MultiFernet({FernetKey::generate()}), false};
  Stores stores;
  std::unique_ptr<ConnectFlow> flow;
  MemoryRateLimiter limiter;
  std::unique_ptr<ServiceApp> app;
  std::string token;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_Health(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    HttpRequest request{"GET", "/health", "", {}, ""};
    benchmark::DoNotOptimize(f.app->handle(request));
  }
}
BENCHMARK(BM_Health);

void BM_Authorize(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    HttpRequest request{
        "POST",
        "/api/v1/user/audible/oauth/authorize",
        "",
        {{"authorization", "Bearer " + f.token}, {"content-type", "application/json"}},
        "{}"};
    benchmark::DoNotOptimize(f.app->handle(request));
  }
}
BENCHMARK(BM_Authorize);

// What the server asks before handle() on every request: where to run it, and whether it waits on
// the provider. Each asks the route table on its own (HttpApp's interface).
void BM_RouteQuestions(benchmark::State& state) {
  auto& f = fixture();
  const HttpRequest request{"POST", "/api/v1/user/audible/oauth/authorize", "", {}, ""};
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.app->handles_inline(request));
    benchmark::DoNotOptimize(f.app->calls_provider(request));
  }
}
BENCHMARK(BM_RouteQuestions);

void BM_JwtVerify(benchmark::State& state) {
  auto& f = fixture();
  const std::string header = "Bearer " + f.token;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.authenticator.authenticate(header, 1'700'000'000));
  }
}
BENCHMARK(BM_JwtVerify);

void BM_AccessLogLine(benchmark::State& state) {
  for (auto _ : state) {
    log::info("request", {{"method", "GET"},
                          {"endpoint", "/health"},
                          {"status", 200},
                          {"duration_ms", 0.012},
                          {"user_id", nullptr}});
  }
}
BENCHMARK(BM_AccessLogLine);

}  // namespace
}  // namespace ac

BENCHMARK_MAIN();
