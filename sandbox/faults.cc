#include "sandbox/faults.h"

namespace ac::sandbox {

std::optional<Fault> FaultBook::parse(const nlohmann::json& spec) {
  if (!spec.is_object() || !spec.contains("path") || !spec["path"].is_string()) return std::nullopt;
  Fault fault;
  fault.path = spec["path"].get<std::string>();
  fault.delay = std::chrono::milliseconds(spec.value("delay_ms", 0));
  fault.status = spec.value("status", 0);
  fault.drop = spec.value("drop", false);
  fault.body = spec.value("body", std::string());
  fault.content_type = spec.value("content_type", std::string("application/json"));
  fault.times = spec.value("times", -1);
  fault.after = spec.value("after", 0);
  if (spec.contains("headers") && spec["headers"].is_object()) {
    for (const auto& [name, value] : spec["headers"].items()) {
      if (value.is_string()) fault.headers.emplace_back(name, value.get<std::string>());
    }
  }
  return fault;
}

void FaultBook::add(Fault fault) {
  std::lock_guard lock(mutex_);
  faults_.push_back(std::move(fault));
}

void FaultBook::clear() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

std::optional<Fault> FaultBook::take(const std::string& path) {
  std::lock_guard lock(mutex_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->path != path) continue;
    if (it->after > 0) {
      --it->after;
      return std::nullopt;
    }
    Fault fault = *it;
    if (it->times > 0 && --it->times == 0) faults_.erase(it);
    return fault;
  }
  return std::nullopt;
}

}  // namespace ac::sandbox
