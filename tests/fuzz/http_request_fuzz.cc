// The HTTP request path in process, no sockets: bytes parsed as a request by Beast (the server's
// parser, with its limits), then ServiceApp::handle through the route table, authentication, the
// rate limiter, query and JSON body parsing, the handlers and a SQLite store, to a response. A
// handler that throws, a 500, or a response header the server would refuse to send (CORS echoes
// request headers) is a finding. The provider is configured but unreachable
// (127.0.0.1:9, no retries), so no input waits on the network.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "api/library_routes.h"
#include "api/oauth_routes.h"
#include "api/service_app.h"
#include "audible/catalog.h"
#include "audible/library_sync.h"
#include "auth/open_authenticator.h"
#include "http/beast_request.h"
#include "http/header_check.h"
#include "oauth/connect_flow.h"
#include "oauth/local_refresh_lock.h"
#include "oauth/memory_state_store.h"
#include "oauth/token_keeper.h"
#include "store/stores.h"

namespace ac {
namespace {

constexpr std::string_view kSecret = "fuzz-hs256-secret-long-enough-for-hs256";

Settings fuzz_settings() {
  return *load_settings(map_environment({{"JWT_SECRET_KEY", std::string(kSecret)},
                                         {"AUDIBLE_CLIENT_ID", "fuzz"},
                                         {"AUDIBLE_CLIENT_SECRET", "fuzz"},
                                         {"AUDIBLE_REDIRECT_URI", "https://app.example/cb"},
                                         {"AUDIBLE_AUTH_URL", "http://127.0.0.1:9"},
                                         {"AUDIBLE_API_BASE_URL", "http://127.0.0.1:9"},
                                         {"BACKEND_CORS_ORIGINS", "https://app.example"},
                                         {"LOG_LEVEL", "error"}}));
}

Stores fuzz_stores() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ac-http-fuzz-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return *open_sqlite_stores((dir / "fuzz.db").string(), StoreOptions{2});
}

// Members in the order they need each other.
struct Fixture {
  Fixture() {
    auto routes = oauth_routes(flow, *stores.accounts, false);
    auto library = library_routes(settings, sync, *stores.library, *stores.accounts, catalog);
    routes.insert(routes.end(), library.begin(), library.end());
    authenticator = std::move(*open_authenticator(settings));
    app = std::make_unique<ServiceApp>(settings, *authenticator, limiter, std::move(routes));
  }

  Settings settings = fuzz_settings();
  MemoryStateStore states{std::chrono::seconds(900)};
  HttpClient http_client{HttpClientSettings{}};
  ProviderClient provider{settings, http_client};
  TokenCipher cipher{MultiFernet({FernetKey::generate()}), false};
  Stores stores = fuzz_stores();
  ConnectFlow flow{settings, states, provider, cipher, *stores.accounts, *stores.audit};
  LocalRefreshLock refresh_lock{std::chrono::milliseconds(100)};
  TokenKeeper tokens{*stores.accounts, provider, cipher, refresh_lock};
  AudibleApiClient api{settings, http_client, RetryPolicy{0}};
  CatalogCache cache{std::chrono::seconds(60), 100};
  Catalog catalog{api, cache};
  LibrarySync sync{*stores.accounts, *stores.library, tokens, api, 50};
  MemoryRateLimiter limiter;
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<ServiceApp> app;
};

}  // namespace
}  // namespace ac

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ac::Fixture fixture;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;

  ac::HttpRequest request = ac::to_request(parser.release(), "");
  const ac::HttpResponse response = fixture.app->handle(request);
  if (response.status == 500 || response.status < 100 || response.status > 599) std::abort();
  if (ac::first_unsafe_header(response.headers)) std::abort();
  return 0;
}
