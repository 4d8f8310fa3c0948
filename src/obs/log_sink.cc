#include "obs/log_sink.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace ac::log {
namespace {

// How long one poll(2) waits for a stuck output before the writer looks at the clock again.
constexpr int kPollSliceMs = 50;

std::size_t chunk_for(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return SIZE_MAX;
  return PIPE_BUF;
}

std::uint64_t lines_in(std::string_view text) {
  return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

LogSink::LogSink(int fd, SinkOptions options)
    : fd_(fd), options_(options), chunk_bytes_(chunk_for(fd)), writer_([this] { run(); }) {}

LogSink::~LogSink() { close(); }

void LogSink::append(std::string_view line, bool urgent) {
  std::lock_guard lock(mutex_);
  if (closed_ || buffer_.size() + line.size() > options_.max_buffered_bytes) {
    ++dropped_;
    return;
  }
  buffer_.append(line);
  ++appended_;
  if ((urgent || buffer_.size() >= options_.wake_bytes) && !urgent_) {
    urgent_ = true;
    wake_.notify_one();
  }
}

bool LogSink::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_;
  urgent_ = true;
  wake_.notify_one();
  return written_.wait_for(lock, timeout, [&] { return done_ >= target || closed_; });
}

void LogSink::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    closing_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + options_.drain_timeout;
    wake_.notify_one();
  }
  writer_.join();
}

std::uint64_t LogSink::dropped_lines() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void LogSink::run() {
  // A closed pipe must be an EPIPE here, not a SIGPIPE that ends the process.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

  // The batch written last is cleared and given back as the buffer, so that callers append into
  // memory already there instead of growing a new buffer after every write (both stay within
  // max_buffered_bytes).
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, options_.flush_interval, [this] { return urgent_ || closing_; });
    batch.swap(buffer_);
    urgent_ = false;
    const std::uint64_t upto = appended_;
    lock.unlock();
    const std::uint64_t lost = batch.empty() ? 0 : write_batch(batch);
    batch.clear();
    lock.lock();
    dropped_ += lost;
    done_ = upto;
    if (closing_ && buffer_.empty()) closed_ = true;
    written_.notify_all();
    if (closed_) return;
  }
}

std::uint64_t LogSink::write_batch(std::string_view batch) {
  while (!batch.empty()) {
    pollfd ready{fd_, POLLOUT, 0};
    const int polled = ::poll(&ready, 1, kPollSliceMs);
    if (polled < 0 && errno != EINTR) break;
    if (polled <= 0) {
      std::lock_guard lock(mutex_);
      if (closing_ && std::chrono::steady_clock::now() >= drain_deadline_) break;
      continue;
    }
    const ssize_t n = ::write(fd_, batch.data(), std::min(batch.size(), chunk_bytes_));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      break;  // EPIPE, ENOSPC, EIO, EBADF...: this batch is lost
    }
    batch.remove_prefix(static_cast<std::size_t>(n));
  }
  return lines_in(batch);
}

}  // namespace ac::log
