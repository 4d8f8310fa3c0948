#pragma once

// JSON logs: one object per line on stdout, with the field names that Cloud Logging and most log
// pipelines read from a container's output: timestamp (RFC 3339, UTC, milliseconds), severity
// (DEBUG, INFO, WARNING, ERROR), message, service "audible", request_id (inside a RequestScope),
// then the caller's context fields. Never pass a token, code, verifier, secret or whole state here.
//
// Lines go through a LogSink (obs/log_sink.h) on stdout: a caller formats and queues its line and
// never makes a system call or waits on the output; a writer thread writes every 100 ms, at once
// after an ERROR line, and what is left when the process exits (std::atexit). A closed or full
// stdout costs lines (counted by dropped_lines()), never the process.
//
// Thread safety: every function may be called from any thread.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ac::log {

enum class Level { kDebug, kInfo, kWarning, kError };

// "debug", "info", "warning" or "error"; anything else is info.
void set_level(std::string_view level);
bool enabled(Level level);

// A field's value: text, a number, a boolean, null, or any JSON (arrays and objects). Text and
// JSON are referred to, not copied (a Value lives as long as the call it is passed to), so that a
// line costs no temporary strings: the access line is written for every request.
class Value {
 public:
  Value(std::nullptr_t) : kind_(Kind::kNull) {}
  template <typename Text>
  requires std::is_convertible_v<const Text&, std::string_view> Value(const Text& text)
      : kind_(Kind::kText), text_(text) {}
  template <typename Boolean>
  requires std::same_as<Boolean, bool> Value(Boolean boolean)
      : kind_(Kind::kBoolean), boolean_(boolean) {}
  template <std::signed_integral Integer>
  Value(Integer integer) : kind_(Kind::kSigned), signed_(integer) {}
  template <std::unsigned_integral Integer>
  requires(!std::same_as<Integer, bool>) Value(Integer integer)
      : kind_(Kind::kUnsigned), unsigned_(integer) {}
  template <std::floating_point Number>
  Value(Number number) : kind_(Kind::kDouble), double_(number) {}
  Value(const nlohmann::json& json) : kind_(Kind::kJson), json_(&json) {}

  // Appends the value as JSON, as nlohmann would write it (a number that is not finite as null).
  void append_to(std::string& out) const;

 private:
  enum class Kind { kNull, kText, kBoolean, kSigned, kUnsigned, kDouble, kJson };
  Kind kind_;
  union {
    std::string_view text_;
    bool boolean_;
    std::int64_t signed_;
    std::uint64_t unsigned_;
    double double_;
    const nlohmann::json* json_;
  };
};

using Field = std::pair<std::string_view, Value>;
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

// The line write() queues, '\n' included, stamped now and with this thread's request id.
std::string format_line(Level level, std::string_view msg, std::initializer_list<Field> fields);

// Waits until the lines logged so far are written (or dropped), at most `timeout`.
bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(2));

// Lines that stdout could not take since the process started.
std::uint64_t dropped_lines();

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

// The request id bound to the current thread; empty outside a RequestScope.
const std::string& current_request_id();

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
