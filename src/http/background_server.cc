#include "http/background_server.h"

namespace ac {

BackgroundServer::BackgroundServer(ServerOptions options, HttpApp& app)
    : server_(std::move(options), app) {}

BackgroundServer::~BackgroundServer() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::expected<void, std::string> BackgroundServer::start() {
  if (auto listening = server_.listen(); !listening) return listening;
  thread_ = std::thread([this] { server_.run(); });
  return {};
}

}  // namespace ac
