// HttpServer over real sockets: keep-alive, the read deadlines against a client that trickles its
// headers or says nothing, the header and body limits, the connection cap, the provider pool,
// unsafe response headers, handler failures, and the graceful stop.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "http/server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;

class TestApp final : public HttpApp {
 public:
  bool handles_inline(const HttpRequest& request) const override {
    return request.path == "/inline";
  }
  bool calls_provider(const HttpRequest& request) const override {
    return request.path == "/provider";
  }
  HttpResponse handle(HttpRequest& request) override {
    if (request.path == "/slow") std::this_thread::sleep_for(500ms);
    if (request.path == "/provider") std::this_thread::sleep_for(1500ms);
    if (request.path == "/throw") throw std::runtime_error("boom");
    ++handled;
    HttpResponse response{
        200, {{"Content-Type", "text/plain"}}, request.method + " " + request.path};
    if (request.path == "/peer") response.body = request.peer_address;
    if (request.path == "/split-value")
      response.headers.emplace_back("X-V", "v\r\nSet-Cookie: a=1");
    if (request.path == "/lf-value") response.headers.emplace_back("X-V", "v\nSet-Cookie: a=1");
    if (request.path == "/nul-value") response.headers.emplace_back("X-V", std::string("v\0w", 3));
    if (request.path == "/split-name") response.headers.emplace_back("X-N\r\nSet-Cookie", "a=1");
    if (request.path == "/colon-name") response.headers.emplace_back("X-N: y", "z");
    return response;
  }
  HttpResponse refuse(int status, std::string_view detail) override {
    return HttpResponse{status, {{"X-Refused", "yes"}}, std::string(detail)};
  }
  std::atomic<int> handled{0};
};

class RunningServer {
 public:
  explicit RunningServer(ServerOptions options) : server_(std::move(options), app) {
    auto listening = server_.listen();
    EXPECT_TRUE(listening) << (listening ? "" : listening.error());
    thread_ = std::thread([this] { server_.run(); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  unsigned short port() const { return server_.port(); }
  TestApp app;

 private:
  HttpServer server_;
  std::thread thread_;
};

ServerOptions options(std::chrono::seconds read_timeout = 5s) {
  ServerOptions o;
  o.port = 0;
  o.io_threads = 2;
  o.worker_threads = 4;
  o.provider_threads = 4;
  o.body_limit = 1024;
  o.read_timeout = read_timeout;
  o.first_request_timeout = read_timeout;
  return o;
}

int connect_to(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

void send_all(int fd, std::string_view data) {
  ASSERT_EQ(::send(fd, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
}

// Reads one response (headers and a Content-Length body); empty when the peer closed first.
std::string read_response(int fd) {
  std::string data;
  char buffer[4096];
  while (true) {
    const auto header_end = data.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      const auto cl = data.find("Content-Length: ");
      const std::size_t length = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16));
      if (data.size() >= header_end + 4 + length) return data.substr(0, header_end + 4 + length);
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return data;
    data.append(buffer, static_cast<std::size_t>(n));
  }
}

bool peer_closed(int fd) {
  char byte;
  return ::recv(fd, &byte, 1, 0) <= 0;
}

// True when the server closes the connection within `bound`; false when it merely stays quiet.
bool closed_within(int fd, std::chrono::milliseconds bound) {
  timeval tv{static_cast<time_t>(bound.count() / 1000),
             static_cast<suseconds_t>(bound.count() % 1000 * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  for (const char* path : {"/a", "/inline", "/b"}) {
    send_all(fd, std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto response = read_response(fd);
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
    EXPECT_NE(response.find(std::string("GET ") + path), std::string::npos);
  }
  ::close(fd);
  EXPECT_EQ(server.app.handled.load(), 3);
}

TEST(HttpServer, ClientThatTricklesHeadersIsCutOff) {
  RunningServer server(options(1s));
  const int fd = connect_to(server.port());
  const auto start = std::chrono::steady_clock::now();
  const std::string request =
      "GET /trickle HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  bool cut = false;
  for (const char c : request) {
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
      cut = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  cut = cut || peer_closed(fd);
  EXPECT_TRUE(cut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_EQ(server.app.handled.load(), 0);
  ::close(fd);
}

TEST(HttpServer, IdleKeepAliveConnectionsAreClosed) {
  RunningServer server(options(1s));
  const int fd = connect_to(server.port());
  send_all(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(fd).starts_with("HTTP/1.1 200"));
  EXPECT_TRUE(peer_closed(fd));  // within the read deadline, not never
  ::close(fd);
}

TEST(HttpServer, BodyOverTheLimitIs413AndNeverHandled) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  send_all(fd, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  const auto response = read_response(fd);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 413")) << response;
  EXPECT_NE(response.find("X-Refused: yes"), std::string::npos);
  EXPECT_NE(response.find("request_too_large"), std::string::npos);
  EXPECT_EQ(server.app.handled.load(), 0);
  ::close(fd);
}

TEST(HttpServer, HeadersOverTheLimitAre431AndNeverHandled) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  send_all(fd, "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n");
  const auto response = read_response(fd);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 431")) << response.substr(0, 200);
  EXPECT_NE(response.find("request_header_fields_too_large"), std::string::npos);
  EXPECT_EQ(server.app.handled.load(), 0);
  ::close(fd);
}

TEST(HttpServer, ResponseHeadersWithCrLfOrNulBecome500) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  for (const char* path :
       {"/split-value", "/lf-value", "/nul-value", "/split-name", "/colon-name"}) {
    send_all(fd, std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto response = read_response(fd);
    EXPECT_TRUE(response.starts_with("HTTP/1.1 500")) << path << ": " << response;
    EXPECT_NE(response.find("internal_error"), std::string::npos) << path;
    EXPECT_EQ(response.find("Set-Cookie"), std::string::npos) << path << ": " << response;
    EXPECT_EQ(response.find("X-N"), std::string::npos) << path << ": " << response;
  }
  // The connection is still good for the next request.
  send_all(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(fd).starts_with("HTTP/1.1 200"));
  ::close(fd);
}

TEST(HttpServer, HandlersSeeThePeerAddress) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  send_all(fd, "GET /peer HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto response = read_response(fd);
  EXPECT_TRUE(response.ends_with("\r\n\r\n127.0.0.1")) << response;
  ::close(fd);
}

TEST(HttpServer, ANewConnectionMustSendItsFirstRequestSoon) {
  auto o = options(5s);
  o.first_request_timeout = 1s;
  RunningServer server(o);
  const int fd = connect_to(server.port());
  EXPECT_TRUE(closed_within(fd, 2500ms));
  ::close(fd);
  // A kept-alive connection still has the whole read deadline between requests.
  const int kept = connect_to(server.port());
  send_all(kept, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(kept).starts_with("HTTP/1.1 200"));
  std::this_thread::sleep_for(1500ms);
  send_all(kept, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(kept).starts_with("HTTP/1.1 200"));
  ::close(kept);
}

TEST(HttpServer, AtTheConnectionCapTheLongestIdleMakesRoom) {
  auto o = options(30s);
  o.max_connections = 4;
  RunningServer server(o);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(connect_to(server.port()));
    send_all(idle.back(), "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(read_response(idle.back()).starts_with("HTTP/1.1 200"));
  }
  // Four idle keep-alive connections fill the cap; a fifth is still served...
  const int fresh = connect_to(server.port());
  send_all(fresh, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(fresh).starts_with("HTTP/1.1 200"));
  // ...because the one that idled longest was closed for it; the others stay.
  EXPECT_TRUE(closed_within(idle[0], 2000ms));
  send_all(idle[3], "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(idle[3]).starts_with("HTTP/1.1 200"));
  for (const int fd : idle) ::close(fd);
  ::close(fresh);
}

TEST(HttpServer, SlowProviderCallsDoNotDelayOtherBlockingRequests) {
  auto o = options();
  o.worker_threads = 2;
  o.provider_threads = 2;
  RunningServer server(o);
  std::vector<std::thread> callers;
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&server] {
      const int fd = connect_to(server.port());
      send_all(fd, "GET /provider HTTP/1.1\r\nHost: x\r\n\r\n");
      EXPECT_TRUE(read_response(fd).starts_with("HTTP/1.1 200"));
      ::close(fd);
    });
  }
  std::this_thread::sleep_for(200ms);  // every provider thread busy, more queued
  const int fd = connect_to(server.port());
  const auto start = std::chrono::steady_clock::now();
  send_all(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(fd).starts_with("HTTP/1.1 200"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  ::close(fd);
  for (auto& caller : callers) caller.join();
}

TEST(HttpServer, MalformedRequestIs400) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  send_all(fd, "THIS IS NOT HTTP\r\n\r\n");
  const auto response = read_response(fd);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << response;
  ::close(fd);
}

TEST(HttpServer, HandlerExceptionIs500AndTheServerLivesOn) {
  RunningServer server(options());
  const int fd = connect_to(server.port());
  send_all(fd, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(fd).starts_with("HTTP/1.1 500"));
  send_all(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(fd).starts_with("HTTP/1.1 200"));
  ::close(fd);
}

TEST(HttpServer, StopFinishesRequestsInFlight) {
  auto server = std::make_unique<RunningServer>(options());
  const int busy = connect_to(server->port());
  const int idle = connect_to(server->port());
  send_all(idle, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(read_response(idle).starts_with("HTTP/1.1 200"));
  send_all(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  std::thread stopper([&] { server->stop(); });
  const auto response = read_response(busy);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(peer_closed(idle));
  stopper.join();
  ::close(busy);
  ::close(idle);
}

}  // namespace
}  // namespace ac
