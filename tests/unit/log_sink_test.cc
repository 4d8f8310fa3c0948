#include "obs/log_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <regex>
#include <string>

#include "obs/log.h"
#include "util/json_text.h"

namespace ac::log {
namespace {

using namespace std::chrono_literals;

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    ::close(write_end);
  }
  // What arrives within `wait`.
  std::string drain(std::chrono::milliseconds wait) {
    std::string got;
    pollfd ready{read_end, POLLIN, 0};
    while (::poll(&ready, 1, static_cast<int>(wait.count())) > 0) {
      char buffer[4096];
      const ssize_t n = ::read(read_end, buffer, sizeof buffer);
      if (n <= 0) break;
      got.append(buffer, static_cast<std::size_t>(n));
      wait = 20ms;
    }
    return got;
  }
};

TEST(LogSink, WritesOnTheTimerNotPerLine) {
  Pipe pipe;
  LogSink sink(pipe.write_end, SinkOptions{.flush_interval = 300ms});
  sink.append("one\n", false);
  sink.append("two\n", false);
  EXPECT_EQ(pipe.drain(100ms), "");  // nothing written yet: the caller made no system call
  EXPECT_EQ(pipe.drain(500ms), "one\ntwo\n");
}

TEST(LogSink, EnoughWaitingLinesAreWrittenBeforeTheTimer) {
  Pipe pipe;
  LogSink sink(pipe.write_end, SinkOptions{.flush_interval = 10s, .wake_bytes = 1000});
  const std::string line(99, 'x');
  for (int i = 0; i < 9; ++i) sink.append(line + "\n", false);
  EXPECT_EQ(pipe.drain(200ms), "");  // 900 bytes wait
  sink.append(line + "\n", false);
  EXPECT_EQ(pipe.drain(2000ms).size(), 1000u);
}

TEST(LogSink, UrgentLineIsWrittenAtOnce) {
  Pipe pipe;
  LogSink sink(pipe.write_end, SinkOptions{.flush_interval = 10s});
  sink.append("quiet\n", false);
  sink.append("urgent\n", true);
  EXPECT_EQ(pipe.drain(1s), "quiet\nurgent\n");
}

TEST(LogSink, CloseWritesWhatIsLeft) {
  Pipe pipe;
  {
    LogSink sink(pipe.write_end, SinkOptions{.flush_interval = 10s});
    sink.append("last words\n", false);
  }
  EXPECT_EQ(pipe.drain(100ms), "last words\n");
}

TEST(LogSink, ClosedPipeDropsAndCountsWithoutSigpipe) {
  Pipe pipe;
  ::close(pipe.read_end);
  pipe.read_end = -1;
  LogSink sink(pipe.write_end);
  sink.append("a\n", false);
  sink.append("b\n", false);
  EXPECT_TRUE(sink.flush(2s));  // the process is still alive: SIGPIPE did not end it
  EXPECT_EQ(sink.dropped_lines(), 2u);
}

TEST(LogSink, FullDiskDropsAndCounts) {
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  {
    LogSink sink(full);
    sink.append("x\n", false);
    EXPECT_TRUE(sink.flush(2s));
    EXPECT_EQ(sink.dropped_lines(), 1u);
  }
  ::close(full);
}

TEST(LogSink, StuckOutputNeverBlocksCallersAndCloseGivesUp) {
  Pipe pipe;  // nobody reads: the pipe fills, then the writer waits
  const std::string line(200, 'x');
  const auto start = std::chrono::steady_clock::now();
  {
    LogSink sink(pipe.write_end, SinkOptions{.flush_interval = 10ms,
                                             .max_buffered_bytes = 64 * 1024,
                                             .drain_timeout = 300ms});
    for (int i = 0; i < 20'000; ++i) sink.append(line + "\n", false);  // 4 MB
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_GT(sink.dropped_lines(), 0u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);  // close gave up after drain_timeout
}

TEST(LogFormat, CarriesTheFieldsLogPipelinesRead) {
  const RequestScope scope("req-42");
  const auto line = format_line(Level::kWarning, "state rejected", {{"user_id", "u-1"}});
  ASSERT_EQ(line.back(), '\n');
  const auto entry = nlohmann::json::parse(line);
  EXPECT_EQ(entry["severity"], "WARNING");
  EXPECT_EQ(entry["message"], "state rejected");
  EXPECT_EQ(entry["service"], "audible");
  EXPECT_EQ(entry["request_id"], "req-42");
  EXPECT_EQ(entry["user_id"], "u-1");
  // RFC 3339, UTC, milliseconds.
  EXPECT_TRUE(std::regex_match(entry["timestamp"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_EQ(line.find("\"timestamp\""), 1u);  // first, as people read it
}

// The text after `"key":` up to the closing brace of a one-field line.
std::string field_text(std::initializer_list<Field> fields) {
  const auto line = format_line(Level::kInfo, "m", fields);
  const auto start = line.find("\"key\":") + 6;
  return line.substr(start, line.size() - 2 - start);
}

// How a field was written when every value was first made a nlohmann::json.
std::string nlohmann_text(const nlohmann::json& value) {
  std::string out;
  append_json_value(out, value);
  return out;
}

// Field values are no longer made nlohmann::json first (issue 12); their text stays the same.
TEST(LogFormat, WritesEveryKindOfValueAsWhenItWasJson) {
  const std::string text = "a\"b\\c\n\x01 \xC3\xA9 \xFF end";
  EXPECT_EQ(field_text({{"key", text}}), nlohmann_text(text));
  EXPECT_EQ(field_text({{"key", std::string_view(text)}}), nlohmann_text(text));
  EXPECT_EQ(field_text({{"key", "literal"}}), nlohmann_text("literal"));
  EXPECT_EQ(field_text({{"key", -42}}), nlohmann_text(-42));
  EXPECT_EQ(field_text({{"key", std::int64_t{-9'223'372'036'854'775'807 - 1}}}),
            nlohmann_text(std::int64_t{-9'223'372'036'854'775'807 - 1}));
  EXPECT_EQ(field_text({{"key", std::uint64_t{18'446'744'073'709'551'615u}}}),
            nlohmann_text(std::uint64_t{18'446'744'073'709'551'615u}));
  EXPECT_EQ(field_text({{"key", std::size_t{7}}}), nlohmann_text(std::size_t{7}));
  for (const double number : {0.012, 1.5, 1e300, 1e-7, 1000000.0, 0.1 + 0.2, -0.0}) {
    EXPECT_EQ(field_text({{"key", number}}), nlohmann_text(number)) << number;
  }
  EXPECT_EQ(field_text({{"key", std::nan("")}}), "null");
  EXPECT_EQ(field_text({{"key", true}}), "true");
  EXPECT_EQ(field_text({{"key", false}}), "false");
  EXPECT_EQ(field_text({{"key", nullptr}}), "null");
  const nlohmann::json object = {{"a", {1, "\xFF"}}};
  EXPECT_EQ(field_text({{"key", object}}), nlohmann_text(object));
  EXPECT_EQ(field_text({{"key", nlohmann::json()}}), "null");
}

// The thread's request id is assigned in place (issue 12); a scope still restores the one before.
TEST(LogFormat, NestedRequestScopesRestoreTheOuterId) {
  EXPECT_EQ(current_request_id(), "");
  {
    const RequestScope outer("outer-request-id-longer-than-sso-0123");
    {
      const RequestScope inner("inner");
      EXPECT_EQ(current_request_id(), "inner");
    }
    EXPECT_EQ(current_request_id(), "outer-request-id-longer-than-sso-0123");
  }
  EXPECT_EQ(current_request_id(), "");
  EXPECT_EQ(format_line(Level::kInfo, "m", {}).find("request_id"), std::string::npos);
}

}  // namespace
}  // namespace ac::log
