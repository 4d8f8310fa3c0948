#pragma once

// JSON logs: one object per line on stdout with ts, level, msg, service "audible", request_id and
// the caller's context fields. Never pass a token, code, verifier, secret or whole state here.

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace ac::log {

enum class Level { kDebug, kInfo, kWarning, kError };

// "debug", "info", "warning" or "error"; anything else is info.
void set_level(std::string_view level);
bool enabled(Level level);

using Field = std::pair<std::string_view, nlohmann::json>;
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

inline void debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kDebug, msg, fields);
}
inline void info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kInfo, msg, fields);
}
inline void warning(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kWarning, msg, fields);
}
inline void error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kError, msg, fields);
}

// Binds a request id to the current thread while a request is being handled, so that every line
// logged on its behalf carries it.
class RequestScope {
 public:
  explicit RequestScope(std::string_view request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace ac::log
