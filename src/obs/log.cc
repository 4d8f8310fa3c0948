#include "obs/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "obs/log_sink.h"
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

std::string utc_timestamp() {
  return rfc3339_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count());
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

}  // namespace

void set_level(std::string_view level) {
  g_level = level == "debug"     ? Level::kDebug
            : level == "warning" ? Level::kWarning
            : level == "error"   ? Level::kError
                                 : Level::kInfo;
}

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string format_line(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  nlohmann::ordered_json line = {{"timestamp", utc_timestamp()},
                                 {"severity", level_name(level)},
                                 {"message", msg},
                                 {"service", "audible"}};
  if (!t_request_id.empty()) line["request_id"] = t_request_id;
  for (const auto& [key, value] : fields) line[std::string(key)] = nlohmann::ordered_json(value);
  // Replacement keeps a line with odd bytes in it a valid JSON line rather than an exception.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  return text;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  stdout_sink().append(format_line(level, msg, fields), level == Level::kError);
}

bool flush(std::chrono::milliseconds timeout) { return stdout_sink().flush(timeout); }

std::uint64_t dropped_lines() { return stdout_sink().dropped_lines(); }

const std::string& current_request_id() { return t_request_id; }

RequestScope::RequestScope(std::string_view request_id) : previous_(std::move(t_request_id)) {
  t_request_id = request_id;
}

RequestScope::~RequestScope() { t_request_id = std::move(previous_); }

}  // namespace ac::log
