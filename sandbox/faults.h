#pragma once

// Faults a test asks the sandbox for (POST /_sandbox/faults): on a path, wait, then answer with a
// chosen status and body instead of the real one, for the next `times` requests (or every one).
// A spec is validated whole before it is taken: a fault can delay at most kMaxFaultDelay, answer
// only a real status, and carry only header names and values that cannot split a response.

#include <chrono>
#include <expected>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ac::sandbox {

inline constexpr std::chrono::milliseconds kMaxFaultDelay{60'000};

struct Fault {
  std::string path;
  std::chrono::milliseconds delay{0};
  int status = 0;     // 0: after the delay, answer normally
  bool drop = false;  // close the connection without an answer
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  int times = -1;  // -1: until reset
  int after = 0;   // let this many matching requests through first
};

// An RFC 9110 token (a header name), and a header value without CR, LF or NUL.
bool is_header_name(std::string_view name);
bool is_header_value(std::string_view value);

class FaultBook {
 public:
  // From {"path", "delay_ms" (0..60000), "status" (0 or 100..599), "drop", "body",
  // "content_type", "headers": {..}, "times" (-1 or more than 0), "after" (0 or more)}; the
  // error says which field is wrong.
  static std::expected<Fault, std::string> parse(const nlohmann::json& spec);
  void add(Fault fault);
  void clear();
  // The fault for this path, used up by one.
  std::optional<Fault> take(const std::string& path);

 private:
  std::mutex mutex_;
  std::vector<Fault> faults_;
};

}  // namespace ac::sandbox
