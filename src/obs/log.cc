#include "obs/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace ac::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::mutex g_write_mutex;
thread_local std::string t_request_id;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace

void set_level(std::string_view level) {
  g_level = level == "debug"     ? Level::kDebug
            : level == "warning" ? Level::kWarning
            : level == "error"   ? Level::kError
                                 : Level::kInfo;
}

bool enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  nlohmann::json line = {
      {"ts", utc_timestamp()}, {"level", level_name(level)}, {"msg", msg}, {"service", "audible"}};
  if (!t_request_id.empty()) line["request_id"] = t_request_id;
  for (const auto& [key, value] : fields) line[std::string(key)] = nlohmann::ordered_json(value);
  // Replacement keeps a line with odd bytes in it a valid JSON line rather than an exception.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::lock_guard lock(g_write_mutex);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

RequestScope::RequestScope(std::string_view request_id) : previous_(std::move(t_request_id)) {
  t_request_id = request_id;
}

RequestScope::~RequestScope() { t_request_id = std::move(previous_); }

}  // namespace ac::log
