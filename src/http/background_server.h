#pragma once

// An HttpServer that runs on a thread of its own: a second listener beside the main one (the
// METRICS_PORT listener). It stops with the main server on SIGINT/SIGTERM, and at the latest when
// it is destroyed.
//
// Thread safety: start() once, from one thread; port() after a successful start().

#include <expected>
#include <string>
#include <thread>

#include "http/server.h"

namespace ac {

class BackgroundServer {
 public:
  BackgroundServer(ServerOptions options, HttpApp& app);
  ~BackgroundServer();
  BackgroundServer(const BackgroundServer&) = delete;
  BackgroundServer& operator=(const BackgroundServer&) = delete;

  // Listens, then serves on its own thread; the error says why it cannot listen.
  std::expected<void, std::string> start();
  unsigned short port() const { return server_.port(); }

 private:
  HttpServer server_;
  std::thread thread_;
};

}  // namespace ac
