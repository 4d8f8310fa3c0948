#pragma once

// Faults a test asks the sandbox for (POST /_sandbox/faults): on a path, wait, then answer with a
// chosen status and body instead of the real one, for the next `times` requests (or every one).

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ac::sandbox {

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

class FaultBook {
 public:
  // From {"path", "delay_ms", "status", "drop", "body", "content_type", "headers": {..},
  // "times", "after"}.
  static std::optional<Fault> parse(const nlohmann::json& spec);
  void add(Fault fault);
  void clear();
  // The fault for this path, used up by one.
  std::optional<Fault> take(const std::string& path);

 private:
  std::mutex mutex_;
  std::vector<Fault> faults_;
};

}  // namespace ac::sandbox
