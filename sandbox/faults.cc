#include "sandbox/faults.h"

#include <algorithm>
#include <limits>

#include "sandbox/control_fields.h"

namespace ac::sandbox {

bool is_header_name(std::string_view name) {
  constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kTokenPunctuation.find(c) != std::string_view::npos;
  });
}

bool is_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::expected<Fault, std::string> FaultBook::parse(const nlohmann::json& spec) {
  if (!spec.is_object()) return std::unexpected("a fault is a JSON object");
  Fault fault;
  auto path = text_field(spec, "path", "");
  if (!path || !path->starts_with('/')) return std::unexpected("a fault needs a path from /");
  fault.path = std::move(*path);
  const auto delay = integer_field(spec, "delay_ms", 0, 0, kMaxFaultDelay.count());
  const auto status = integer_field(spec, "status", 0, 0, 599);
  const auto times = integer_field(spec, "times", -1, -1, std::numeric_limits<int>::max());
  const auto after = integer_field(spec, "after", 0, 0, std::numeric_limits<int>::max());
  for (const auto* field : {&delay, &status, &times, &after}) {
    if (!*field) return std::unexpected(field->error());
  }
  if (*status != 0 && *status < 100) return std::unexpected("status must be 0 or 100 to 599");
  if (*times == 0) return std::unexpected("times must be -1 or more than 0");
  fault.delay = std::chrono::milliseconds(*delay);
  fault.status = static_cast<int>(*status);
  fault.times = static_cast<int>(*times);
  fault.after = static_cast<int>(*after);
  if (const auto drop = spec.find("drop"); drop != spec.end()) {
    if (!drop->is_boolean()) return std::unexpected("drop must be true or false");
    fault.drop = drop->get<bool>();
  }
  auto body = text_field(spec, "body", "");
  auto content_type = text_field(spec, "content_type", fault.content_type);
  if (!body) return std::unexpected(body.error());
  if (!content_type || !is_header_value(*content_type)) {
    return std::unexpected("content_type must be a header value");
  }
  fault.body = std::move(*body);
  fault.content_type = std::move(*content_type);
  if (const auto headers = spec.find("headers"); headers != spec.end()) {
    if (!headers->is_object()) return std::unexpected("headers must be an object");
    for (const auto& [name, value] : headers->items()) {
      if (!is_header_name(name) || !value.is_string() ||
          !is_header_value(value.get_ref<const std::string&>())) {
        return std::unexpected("headers must be names and string values without CR, LF or NUL");
      }
      fault.headers.emplace_back(name, value.get<std::string>());
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
