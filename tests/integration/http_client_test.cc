// HttpClient against a local HttpServer: a request that finds every provider connection taken
// fails within the pool timeout (kBusy) instead of queueing for the whole request timeout.

#include "net/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "http/server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;

class SlowApp final : public HttpApp {
 public:
  bool handles_inline(const HttpRequest&) const override { return false; }
  HttpResponse handle(HttpRequest&) override {
    std::this_thread::sleep_for(2500ms);
    return HttpResponse{200, {}, "late"};
  }
  HttpResponse refuse(int status, std::string_view detail) override {
    return HttpResponse{status, {}, std::string(detail)};
  }
};

TEST(HttpClient, NoFreeConnectionWithinThePoolTimeoutFailsFast) {
  SlowApp app;
  HttpServer server(ServerOptions{.port = 0, .worker_threads = 4}, app);
  ASSERT_TRUE(server.listen());
  std::thread serving([&server] { server.run(); });

  HttpClient client(HttpClientSettings{.timeout_seconds = 10,
                                       .connect_timeout_seconds = 2,
                                       .max_connections = 1,
                                       .keepalive_connections = 1,
                                       .pool_timeout_seconds = 1});
  const OutboundRequest request{
      "GET", "http://127.0.0.1:" + std::to_string(server.port()) + "/", {}, ""};
  std::thread holder([&] {
    const auto response = client.send(request);
    EXPECT_TRUE(response && response->status == 200);
  });
  std::this_thread::sleep_for(300ms);  // the one connection is taken
  const auto start = std::chrono::steady_clock::now();
  const auto refused = client.send(request);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(refused);  // no early return: the threads below must be joined
  if (!refused) {
    EXPECT_EQ(refused.error().kind, TransportError::kBusy);
  }
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 1800ms);

  holder.join();
  server.stop();
  serving.join();
}

}  // namespace
}  // namespace ac
