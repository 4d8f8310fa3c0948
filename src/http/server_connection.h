#pragma once

// One live connection of HttpServer: its place in the connection registry and its deadline.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "http/connection_registry.h"

namespace ac {

// The deadline moves with a store: a timer operation per read and per write (as Beast's
// basic_stream does) cost more than parsing the request. The timer is armed at the earliest
// deadline set; when it fires and finds the deadline moved later, it re-arms for it. Touched only
// on the connection's own I/O thread.
class ServerConnection final : public TrackedConnection,
                               public std::enable_shared_from_this<ServerConnection> {
 public:
  using Executor = boost::asio::io_context::executor_type;
  using Clock = std::chrono::steady_clock;

  explicit ServerConnection(Executor executor);

  // Set by the session while it runs: cancels the connection's pending socket operations.
  std::function<void()> cancel;

  // An operation still pending at `deadline` is cancelled then.
  void expires_at(Clock::time_point deadline);
  // The session is over: no more deadline, `cancel` dropped.
  void end();

  void close_if_idle() override;

 private:
  void arm();
  void on_timer();

  Executor executor_;
  boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor> timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point armed_ = Clock::time_point::max();  // max: not armed
};

}  // namespace ac
