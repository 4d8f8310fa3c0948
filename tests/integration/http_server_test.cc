// HttpServer over real sockets: keep-alive, the read deadline against a client that trickles its
// headers, the body limit, handler failures, and the graceful stop.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;

class TestApp final : public HttpApp {
 public:
  bool handles_inline(const HttpRequest& request) const override {
    return request.path == "/inline";
  }
  HttpResponse handle(HttpRequest& request) override {
    if (request.path == "/slow") std::this_thread::sleep_for(500ms);
    if (request.path == "/throw") throw std::runtime_error("boom");
    ++handled;
    return HttpResponse{200, {{"Content-Type", "text/plain"}}, request.method + " " + request.path};
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
  o.body_limit = 1024;
  o.read_timeout = read_timeout;
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
