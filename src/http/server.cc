#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "http/beast_request.h"
#include "http/connection_registry.h"
#include "http/header_check.h"
#include "http/response_head.h"
#include "http/server_connection.h"
#include "obs/log.h"

namespace ac {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
// The I/O threads' own executor type, named instead of any_io_executor: no type erasure on every
// operation, handler and coroutine resumption.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
template <class T>
using Task = asio::awaitable<T, Executor>;
constexpr asio::use_awaitable_t<Executor> use_task;
using RequestParser = http::request_parser<http::string_body>;

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::chrono::seconds kWriteTimeout{30};
constexpr std::chrono::seconds kAcceptLogInterval{10};

// Accept failures (out of descriptors, say) are logged at most once per interval, with the
// number left out, so that they can neither flood the log nor go unseen.
class AcceptFailureLog {
 public:
  void note(const beast::error_code& ec) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) {
      ++left_out_;
      return;
    }
    // The errno's text, not ec.message(): out of descriptors, the sanitizers' check of the error
    // category's object needs a descriptor of its own and reports a false error.
    log::warning("accept failed",
                 {{"error_type", std::strerror(ec.value())}, {"repeats_not_logged", left_out_}});
    left_out_ = 0;
    next_ = now + kAcceptLogInterval;
  }

 private:
  std::chrono::steady_clock::time_point next_{};
  std::uint64_t left_out_ = 0;
};

// The peer's IP address as text; an IPv4-mapped IPv6 address as IPv4.
std::string peer_address_of(const Socket& socket) {
  beast::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return "";
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

// The server's own answer to a read that failed, when it gets one.
std::optional<std::pair<int, std::string_view>> refusal_for(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return std::pair{413, "request_too_large"};
  if (ec == http::error::header_limit) return std::pair{431, "request_header_fields_too_large"};
  if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return std::pair{400, "invalid_request"};
  }
  return std::nullopt;
}

// Reads one request into `parser`, first from what `buffer` holds (a pipelined request), as Beast's
// http::async_read does, but on the bare socket: the connection's deadline is a store, not a timer
// operation per read. Once the header is in, the connection turns busy and its deadline becomes
// `deadline` (a new connection's first header has a shorter one).
template <class Stream>
Task<beast::error_code> read_request(Stream& stream, beast::flat_buffer& buffer,
                                     RequestParser& parser, ServerConnection& connection,
                                     Clock::time_point deadline) {
  parser.eager(true);
  bool header_in = false;
  while (!parser.is_done()) {
    if (buffer.size() != 0) {
      beast::error_code ec;
      buffer.consume(parser.put(buffer.data(), ec));
      if (!header_in && parser.is_header_done()) {
        header_in = true;
        connection.mark_busy();
        connection.expires_at(deadline);
      }
      if (!ec) continue;
      if (ec != http::error::need_more) co_return ec;
    }
    beast::error_code ec;
    const std::size_t read = co_await stream.async_read_some(
        buffer.prepare(beast::read_size(buffer, 65536)), asio::redirect_error(use_task, ec));
    buffer.commit(read);
    if (ec == asio::error::eof) {
      if (!parser.got_some()) co_return http::error::end_of_stream;
      beast::error_code eof;
      parser.put_eof(eof);  // a message without a length ends here, or it is partial
      co_return eof;
    }
    if (ec) co_return ec;
  }
  co_return beast::error_code{};
}

// Writes `buffers`. On a plain socket most answers fit the send buffer and go out at once, with no
// deadline and no trip through the event loop; the rest is written asynchronously.
template <class Stream>
Task<bool> write_all(Stream& stream, ServerConnection& connection,
                     std::array<asio::const_buffer, 2> buffers) {
  beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
  beast::error_code ec;
  if constexpr (std::is_same_v<Stream, Socket>) {
    const std::size_t written = stream.write_some(buffers, ec);  // the socket is non-blocking
    if (ec && ec != asio::error::would_block) co_return false;
    if (written == asio::buffer_size(buffers)) co_return true;
    rest.consume(written);
  }
  connection.expires_at(Clock::now() + kWriteTimeout);
  co_await asio::async_write(stream, rest, asio::redirect_error(use_task, ec));
  co_return !ec;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions opts, HttpApp& application)
      : options(std::move(opts)),
        app(application),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        provider_workers(static_cast<std::size_t>(std::max(1, options.provider_threads))),
        registry(options.max_connections > 0 ? options.max_connections
                                             : default_max_connections()) {
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
  Task<bool> write_response(Stream& stream, ServerConnection& connection, HttpResponse response,
                            bool keep_alive, unsigned version) {
    if (const auto unsafe = first_unsafe_header(response.headers)) {
      log::error("response header with a forbidden character: answering 500 instead",
                 {{"header", *unsafe}, {"status", response.status}});
      response = app.refuse(500, "internal_error");
    }
    const std::string head = response_head(response, version, keep_alive);
    co_return co_await write_all(stream, connection,
                                 {asio::buffer(head), asio::buffer(response.body)});
  }

  template <class Stream>
  Task<void> serve_requests(Stream& stream, ServerConnection& connection,
                            const std::string& peer_address, Clock::time_point accepted) {
    beast::flat_buffer buffer;
    bool first = true;
    while (!stopping) {
      RequestParser parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(kHeaderLimit);
      const auto deadline = Clock::now() + options.read_timeout;
      // A new connection must say soon what it wants; a kept-alive one may idle until the deadline.
      connection.expires_at(first ? std::min(deadline, accepted + options.first_request_timeout)
                                  : deadline);
      connection.mark_idle();
      const beast::error_code ec =
          co_await read_request(stream, buffer, parser, connection, deadline);
      connection.mark_busy();
      if (const auto refusal = refusal_for(ec)) {
        // The header fields read so far: Beast refuses a Content-Length over the limit after
        // reading every field but before it calls the header done.
        HttpRequest partial = to_request(parser.release(), peer_address);
        partial.body.clear();
        co_await write_response(stream, connection,
                                app.refuse_read(partial, refusal->first, refusal->second), false,
                                11);
        co_return;
      }
      if (ec) co_return;  // closed, timed out, cancelled by the drain or to make room
      first = false;

      const unsigned version = parser.get().version();
      const bool client_keep_alive = parser.get().keep_alive();
      HttpRequest request = to_request(parser.release(), peer_address);
      HttpResponse response;
      if (app.handles_inline(request)) {
        response = handle_safely(request);
      } else {
        response = co_await asio::co_spawn(
            app.calls_provider(request) ? provider_workers : workers,
            [this, &request]() -> asio::awaitable<HttpResponse> {
              co_return handle_safely(request);
            },
            use_task);
      }
      if (response.close_without_answer) co_return;
      const bool keep_alive = client_keep_alive && !stopping;
      if (!co_await write_response(stream, connection, std::move(response), keep_alive, version)) {
        co_return;
      }
      if (!keep_alive) co_return;
    }
  }

  Task<void> session(Socket socket, std::shared_ptr<ServerConnection> connection) {
    const auto accepted = Clock::now();
    const std::string peer_address = peer_address_of(socket);
    beast::error_code ec;
    socket.non_blocking(true, ec);  // for write_all's first, synchronous attempt
    if (tls) {
      beast::ssl_stream<Socket> stream(std::move(socket), *tls);
      connection->cancel = [&stream] {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).cancel(ignored);
      };
      connection->expires_at(accepted + options.first_request_timeout);
      co_await stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(use_task, ec));
      if (!ec) {
        co_await serve_requests(stream, *connection, peer_address, accepted);
        connection->expires_at(Clock::now() + std::chrono::seconds(5));
        co_await stream.async_shutdown(asio::redirect_error(use_task, ec));
      }
    } else {
      connection->cancel = [&socket] {
        beast::error_code ignored;
        socket.cancel(ignored);
      };
      co_await serve_requests(socket, *connection, peer_address, accepted);
      socket.shutdown(tcp::socket::shutdown_send, ec);
    }
    connection->end();
    registry.remove(connection);
  }

  Task<void> accept_loop() {
    std::size_t next = 0;
    while (acceptor->is_open()) {
      auto& context = *contexts[next++ % contexts.size()];
      Socket socket(context);
      beast::error_code ec;
      co_await acceptor->async_accept(socket, asio::redirect_error(use_task, ec));
      if (ec) {
        if (!acceptor->is_open() || stopping) co_return;
        // Out of descriptors or similar: free one if a connection idles, and pause instead of
        // spinning.
        accept_failures.note(ec);
        registry.close_oldest_idle();
        asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(use_task, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      // Counted in here, not when the session starts: in a burst, every connection accepted before
      // its session ran held a descriptor beyond the cap, and the process ran out of them. At the
      // cap with every connection busy, `socket` closes at once.
      auto connection = std::make_shared<ServerConnection>(socket.get_executor());
      connection->mark_idle();
      if (!registry.admit(connection)) continue;
      asio::co_spawn(context, session(std::move(socket), std::move(connection)), asio::detached);
    }
  }

  ServerOptions options;
  HttpApp& app;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  asio::thread_pool workers;
  asio::thread_pool provider_workers;
  ConnectionRegistry registry;
  AcceptFailureLog accept_failures;  // the accept loop's only
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::ssl::context> tls;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable changed;
  bool stop_requested = false;
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

std::size_t HttpServer::max_connections() const { return impl_->registry.max_connections(); }

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
  if (impl.options.on_stop) impl.options.on_stop();
  impl.stopping = true;
  asio::post(*impl.contexts.front(), [&] {
    beast::error_code ignored;
    impl.acceptor->close(ignored);
    signals.cancel(ignored);
  });
  impl.registry.close_all_idle();

  const bool drained = impl.registry.wait_until_empty(impl.options.shutdown_grace);
  if (!drained) log::warning("shutdown grace period over: closing remaining connections");
  for (auto& guard : impl.guards) guard.reset();
  if (!drained) {
    for (auto& context : impl.contexts) context->stop();
  }
  for (auto& thread : threads) thread.join();
  impl.workers.join();
  impl.provider_workers.join();
}

}  // namespace ac
