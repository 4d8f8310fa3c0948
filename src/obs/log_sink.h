#pragma once

// Where log lines go: an in-memory buffer that one writer thread empties into a file descriptor
// (stdout), so that logging costs a caller a lock and a copy, never a system call or a wait on
// the output. The writer writes every `flush_interval`, at once after an urgent line or once
// `wake_bytes` wait, and what is left at close(). Small batches keep each write short: on a busy
// core, writing 100 ms of access lines at once (2 MB at 60 000 requests/s) held the core for a
// millisecond while every request in flight waited. An output that cannot take the lines never
// stalls or kills the process:
// - a full or broken output (ENOSPC, EPIPE, EIO...): the batch is dropped and counted; SIGPIPE is
//   blocked on the writer thread, so a closed pipe is an EPIPE, not the end of the process;
// - a stuck output (a pipe nobody reads): the writer waits for it with poll(2) in slices, callers
//   keep appending until `max_buffered_bytes` are waiting, then their lines are dropped and
//   counted; close() gives it `drain_timeout`, then drops the rest.
//
// Thread safety: append(), flush() and dropped_lines() may be called from any thread at any time;
// close() once, from one thread (later calls do nothing). After close(), lines are dropped.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace ac::log {

struct SinkOptions {
  std::chrono::milliseconds flush_interval{100};
  std::size_t wake_bytes = 64u << 10;
  std::size_t max_buffered_bytes = 4u << 20;
  std::chrono::milliseconds drain_timeout{2000};  // how long close() waits for a stuck output
};

class LogSink {
 public:
  // Writes to `fd`, which stays open and owned by the caller. Starts the writer thread.
  explicit LogSink(int fd, SinkOptions options = {});
  ~LogSink();  // close()
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Queues one whole line (ending in '\n'); `urgent` has the writer write it now.
  void append(std::string_view line, bool urgent);
  // Has the writer write what was appended so far and waits until it is written or dropped, at
  // most `timeout`. True when it was.
  bool flush(std::chrono::milliseconds timeout);
  // Writes what is queued (giving a stuck output at most drain_timeout) and stops the writer.
  void close();
  // Lines appended but never written: buffer full, output failed, or appended after close().
  std::uint64_t dropped_lines() const;

 private:
  void run();
  // Writes `batch` whole, or drops what the output refuses; returns the lines dropped.
  std::uint64_t write_batch(std::string_view batch);

  const int fd_;
  const SinkOptions options_;
  const std::size_t chunk_bytes_;  // one write(2): PIPE_BUF on pipes and sockets, so that a write
                                   // poll(2) called ready never blocks

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // writer: an urgent line, a flush, or close
  std::condition_variable written_;  // flush(): a batch is done
  std::string buffer_;
  bool urgent_ = false;
  bool closing_ = false;
  bool closed_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::uint64_t appended_ = 0;  // batches: lines appended so far, and lines done with
  std::uint64_t done_ = 0;      // (written or dropped)
  std::uint64_t dropped_ = 0;
  std::thread writer_;
};

}  // namespace ac::log
