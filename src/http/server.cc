#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "obs/log.h"

namespace ac {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::chrono::seconds kWriteTimeout{30};

// One live connection, as the drain sees it. Touched only on the connection's own I/O thread,
// apart from the registry's set, which has its own lock.
struct Connection {
  asio::any_io_executor executor;
  std::function<void()> cancel;  // empty once the session has ended
  bool idle = true;              // waiting for the next request
};

HttpRequest to_request(http::request<http::string_body>&& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  const std::string_view target(message.target().data(), message.target().size());
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions opts, HttpApp& application)
      : options(std::move(opts)),
        app(application),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {
    for (int i = 0; i < std::max(1, options.io_threads); ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
      guards.emplace_back(asio::make_work_guard(*contexts.back()));
    }
  }

  HttpResponse handle_safely(HttpRequest& request) {
    try {
      return app.handle(request);
    } catch (const std::exception& e) {
      log::error("unhandled exception in handler", {{"error_type", e.what()}});
    } catch (...) {
      log::error("unhandled exception in handler");
    }
    return app.refuse(500, "internal_error");
  }

  template <class Stream>
  asio::awaitable<bool> write_response(Stream& stream, HttpResponse response, bool keep_alive,
                                       unsigned version) {
    http::response<http::string_body> message{static_cast<http::status>(response.status), version};
    for (auto& [name, value] : response.headers) message.set(name, value);
    message.body() = std::move(response.body);
    message.keep_alive(keep_alive);
    message.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    beast::error_code ec;
    co_await http::async_write(stream, message, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  template <class Stream>
  asio::awaitable<void> serve_requests(Stream& stream, Connection& connection) {
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(kHeaderLimit);
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      connection.idle = true;
      beast::error_code ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      connection.idle = false;
      if (ec == http::error::body_limit || ec == http::error::header_limit) {
        co_await write_response(stream, app.refuse(413, "request_too_large"), false, 11);
        co_return;
      }
      if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message) {
        co_await write_response(stream, app.refuse(400, "invalid_request"), false, 11);
        co_return;
      }
      if (ec) co_return;  // closed, timed out, cancelled by the drain

      const unsigned version = parser.get().version();
      const bool client_keep_alive = parser.get().keep_alive();
      HttpRequest request = to_request(parser.release());
      HttpResponse response;
      if (app.handles_inline(request)) {
        response = handle_safely(request);
      } else {
        response = co_await asio::co_spawn(
            workers,
            [this, &request]() -> asio::awaitable<HttpResponse> {
              co_return handle_safely(request);
            },
            asio::use_awaitable);
      }
      if (response.close_without_answer) co_return;
      const bool keep_alive = client_keep_alive && !stopping;
      if (!co_await write_response(stream, std::move(response), keep_alive, version)) co_return;
      if (!keep_alive) co_return;
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto connection = std::make_shared<Connection>();
    connection->executor = socket.get_executor();
    add_connection(connection);
    beast::tcp_stream tcp_stream(std::move(socket));
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls);
      connection->cancel = [&stream] { beast::get_lowest_layer(stream).cancel(); };
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      beast::error_code ec;
      co_await stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        co_await serve_requests(stream, *connection);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      }
    } else {
      connection->cancel = [&tcp_stream] { tcp_stream.cancel(); };
      co_await serve_requests(tcp_stream, *connection);
      beast::error_code ec;
      tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    connection->cancel = nullptr;
    remove_connection(connection);
  }

  asio::awaitable<void> accept_loop() {
    std::size_t next = 0;
    while (acceptor->is_open()) {
      auto& context = *contexts[next++ % contexts.size()];
      tcp::socket socket(context);
      beast::error_code ec;
      co_await acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor->is_open() || stopping) co_return;
        // Out of descriptors or similar: pause instead of spinning.
        log::warning("accept failed", {{"error_type", ec.message()}});
        asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(context, session(std::move(socket)), asio::detached);
    }
  }

  void add_connection(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex);
    connections.insert(connection);
  }

  void remove_connection(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex);
    connections.erase(connection);
    if (connections.empty()) changed.notify_all();
  }

  void cancel_idle_connections() {
    std::lock_guard lock(mutex);
    for (const auto& connection : connections) {
      asio::post(connection->executor, [connection] {
        if (connection->idle && connection->cancel) connection->cancel();
      });
    }
  }

  ServerOptions options;
  HttpApp& app;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  asio::thread_pool workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::ssl::context> tls;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable changed;
  bool stop_requested = false;
  std::set<std::shared_ptr<Connection>> connections;
};

HttpServer::HttpServer(ServerOptions options, HttpApp& app)
    : impl_(std::make_unique<Impl>(std::move(options), app)) {}

HttpServer::~HttpServer() = default;

std::expected<void, std::string> HttpServer::listen() {
  auto& impl = *impl_;
  if (!impl.options.tls_cert_file.empty()) {
    try {
      impl.tls.emplace(asio::ssl::context::tls_server);
      impl.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                            asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
      impl.tls->use_certificate_chain_file(impl.options.tls_cert_file);
      impl.tls->use_private_key_file(impl.options.tls_key_file, asio::ssl::context::pem);
    } catch (const std::exception& e) {
      return std::unexpected("TLS_CERT_FILE/TLS_KEY_FILE: cannot load (" + std::string(e.what()) +
                             ")");
    }
  }
  beast::error_code ec;
  tcp::resolver resolver(*impl.contexts.front());
  const auto endpoints =
      resolver.resolve(impl.options.host, std::to_string(impl.options.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return std::unexpected("HOST: cannot resolve " + impl.options.host);
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor acceptor(*impl.contexts.front());
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return std::unexpected("cannot listen on " + impl.options.host + ":" +
                           std::to_string(impl.options.port) + " (" + ec.message() + ")");
  }
  impl.acceptor.emplace(std::move(acceptor));
  return {};
}

unsigned short HttpServer::port() const {
  return impl_->acceptor ? impl_->acceptor->local_endpoint().port() : 0;
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_requested = true;
  impl_->changed.notify_all();
}

void HttpServer::run() {
  auto& impl = *impl_;
  asio::signal_set signals(*impl.contexts.front(), SIGINT, SIGTERM);
  signals.async_wait([this](const beast::error_code& ec, int) {
    if (!ec) stop();
  });
  asio::co_spawn(*impl.contexts.front(), impl.accept_loop(), asio::detached);

  std::vector<std::thread> threads;
  for (auto& context : impl.contexts) threads.emplace_back([&context] { context->run(); });

  std::unique_lock lock(impl.mutex);
  impl.changed.wait(lock, [&] { return impl.stop_requested; });
  lock.unlock();

  log::info("shutting down: finishing requests in flight");
  impl.stopping = true;
  asio::post(*impl.contexts.front(), [&] {
    beast::error_code ignored;
    impl.acceptor->close(ignored);
    signals.cancel(ignored);
  });
  impl.cancel_idle_connections();

  lock.lock();
  const bool drained = impl.changed.wait_for(lock, impl.options.shutdown_grace,
                                             [&] { return impl.connections.empty(); });
  lock.unlock();
  if (!drained) log::warning("shutdown grace period over: closing remaining connections");
  for (auto& guard : impl.guards) guard.reset();
  if (!drained) {
    for (auto& context : impl.contexts) context->stop();
  }
  for (auto& thread : threads) thread.join();
  impl.workers.join();
}

}  // namespace ac
