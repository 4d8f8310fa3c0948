#pragma once

// The HTTP/1.1 server: Boost.Beast with C++20 coroutines, one io_context per I/O thread,
// keep-alive, a deadline on reading each request (a client that trickles its headers is cut off)
// and a shorter one for a new connection's first request headers, header (431) and body (413)
// limits, a cap on connections (at the cap the longest-idle ones are closed to make room),
// optional TLS, and a graceful stop on SIGINT/SIGTERM: the listener closes, idle connections close,
// requests in flight finish, then run() returns.
//
// Handlers that may block run on worker pools, never on an I/O thread: those that wait on the
// provider on a pool of their own, so that the others never queue behind a slow provider.
// Response headers are checked in one place: a name that is not a token, or a value with CR, LF or
// NUL, turns the response into the app's 500 and an error log line.

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace ac {

class HttpApp {
 public:
  virtual ~HttpApp() = default;
  // True when handle() for this request never blocks, so it may run on an I/O thread.
  virtual bool handles_inline(const HttpRequest& request) const = 0;
  // True when handle() may wait on the provider (seconds, when it is slow): it then runs on the
  // provider pool. Asked only of requests that are not handled inline.
  virtual bool calls_provider(const HttpRequest&) const { return false; }
  // Must not throw; the server answers 500 if it does.
  virtual HttpResponse handle(HttpRequest& request) = 0;
  // The response for a request the server refuses itself (413 body too large, 431 headers too
  // large, 400 malformed, 500 unsafe response header).
  virtual HttpResponse refuse(int status, std::string_view detail) = 0;
  // The same for a read the server refused (413, 431, 400): `partial` has the header fields read
  // before it did (all of them for a body too large), so that the answer can depend on them
  // (CORS). By default, as refuse().
  virtual HttpResponse refuse_read(const HttpRequest& partial, int status,
                                   std::string_view detail) {
    (void)partial;
    return refuse(status, detail);
  }
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;  // 0: any free port, see HttpServer::port()
  int io_threads = 1;
  int worker_threads = 16;    // blocking handlers that do not call the provider
  int provider_threads = 16;  // handlers that do (HttpApp::calls_provider)
  std::size_t body_limit = 64 * 1024;
  std::size_t max_connections = 0;        // 0: default_max_connections(), from RLIMIT_NOFILE
  std::chrono::seconds read_timeout{15};  // for one whole request, headers and body
  std::chrono::seconds first_request_timeout{10};  // a new connection's first request headers
  std::chrono::seconds shutdown_grace{25};
  std::string tls_cert_file;  // both set: HTTPS, TLS 1.2 and up
  std::string tls_key_file;
  // Called once when the stop begins (SIGTERM or stop()), before the drain: work outside the
  // server (the background sync) stops taking new jobs at the same moment.
  std::function<void()> on_stop;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, HttpApp& app);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; the error says why not.
  std::expected<void, std::string> listen();
  unsigned short port() const;
  std::size_t max_connections() const;

  // Serves until SIGINT/SIGTERM or stop(), then drains as described above.
  void run();
  // Asks run() to drain and return; callable from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ac
