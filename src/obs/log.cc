#include "obs/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "obs/log_sink.h"
#include "util/json_text.h"
#include "util/time_text.h"

namespace ac::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
thread_local std::string t_request_id;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
  }
  return "INFO";
}

// RFC 3339, UTC, milliseconds. The text up to the seconds is made once per second per thread.
void append_timestamp(std::string& out) {
  constexpr std::size_t kUpToSeconds = 19;  // "2026-11-27T18:12:06"
  thread_local std::int64_t cached_second = -1;
  thread_local std::string cached_text;
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (millis / 1000 != cached_second) {
    cached_second = millis / 1000;
    cached_text = rfc3339_ms(cached_second * 1000).substr(0, kUpToSeconds);
  }
  out += cached_text;
  const auto fraction = static_cast<int>(millis % 1000);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 100));
  out.push_back(static_cast<char>('0' + fraction / 10 % 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  out.push_back('Z');
}

// Made on first use and never destroyed, so that static destructors may still log; drained and
// stopped at exit.
LogSink& stdout_sink() {
  static LogSink* const sink = [] {
    auto* made = new LogSink(STDOUT_FILENO);
    std::atexit([] { stdout_sink().close(); });
    return made;
  }();
  return *sink;
}

// The line, '\n' included, appended to `line`.
void append_line(std::string& line, Level level, std::string_view msg,
                 std::initializer_list<Field> fields) {
  line += R"({"timestamp":")";
  append_timestamp(line);
  line += R"(","severity":")";
  line += level_name(level);
  line += R"(","message":)";
  append_json_string(line, msg);
  line += R"(,"service":"audible")";
  if (!t_request_id.empty()) {
    line += R"(,"request_id":)";
    append_json_string(line, t_request_id);
  }
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    append_json_string(line, key);
    line.push_back(':');
    value.append_to(line);
  }
  line += "}\n";
}

}  // namespace

void set_level(std::string_view level) {
  g_level = level == "debug"     ? Level::kDebug
            : level == "warning" ? Level::kWarning
            : level == "error"   ? Level::kError
                                 : Level::kInfo;
}

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void Value::append_to(std::string& out) const {
  switch (kind_) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kText:
      append_json_string(out, text_);
      return;
    case Kind::kBoolean:
      out += boolean_ ? "true" : "false";
      return;
    case Kind::kSigned:
      append_json_number(out, signed_);
      return;
    case Kind::kUnsigned:
      append_json_number(out, unsigned_);
      return;
    case Kind::kDouble:
      append_json_number(out, double_);
      return;
    case Kind::kJson:
      append_json_value(out, *json_);
      return;
  }
}

std::string format_line(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(192 + msg.size());
  append_line(line, level, msg, fields);
  return line;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  thread_local std::string line;  // kept between lines: no allocation per line
  line.clear();
  append_line(line, level, msg, fields);
  stdout_sink().append(line, level == Level::kError);
}

bool flush(std::chrono::milliseconds timeout) { return stdout_sink().flush(timeout); }

std::uint64_t dropped_lines() { return stdout_sink().dropped_lines(); }

const std::string& current_request_id() { return t_request_id; }

// Copied, not moved: the thread's string keeps its capacity, so a request id costs no allocation.
RequestScope::RequestScope(std::string_view request_id) : previous_(t_request_id) {
  t_request_id.assign(request_id);
}

RequestScope::~RequestScope() { t_request_id.assign(previous_); }

}  // namespace ac::log
