#include "http/server_connection.h"

#include <boost/asio/post.hpp>

namespace ac {

ServerConnection::ServerConnection(Executor executor) : executor_(executor), timer_(executor) {}

void ServerConnection::expires_at(Clock::time_point deadline) {
  deadline_ = deadline;
  if (deadline < armed_) arm();
}

void ServerConnection::end() {
  cancel = nullptr;
  deadline_ = armed_ = Clock::time_point::max();
  timer_.cancel();
}

void ServerConnection::close_if_idle() {
  boost::asio::post(executor_, [self = shared_from_this()] {
    if (self->idle() && self->cancel) self->cancel();
  });
}

void ServerConnection::arm() {
  armed_ = deadline_;
  timer_.expires_at(deadline_);  // a wait already pending completes as aborted
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->on_timer();
  });
}

void ServerConnection::on_timer() {
  armed_ = Clock::time_point::max();
  if (!cancel || deadline_ == Clock::time_point::max()) return;
  if (Clock::now() < deadline_) {
    arm();
    return;
  }
  cancel();
}

}  // namespace ac
