#include "api/responses.h"

#include <ctime>

#include "util/json_text.h"

namespace ac {

HttpResponse store_error_response(const StoreError& error) {
  return error.unavailable() ? error_response(503, "audible_service_unavailable")
                             : error_response(500, "internal_error");
}

// Room for the headers every answer gets: its Content-Type and, from ServiceApp, X-Request-ID.
constexpr std::size_t kUsualHeaders = 2;

HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.reserve(kUsualHeaders);
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse json_strings_response(
    int status, std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  HttpResponse response;
  response.status = status;
  response.headers.reserve(kUsualHeaders);
  response.headers.emplace_back("Content-Type", "application/json");
  std::size_t size = 2;
  for (const auto& [name, value] : members) size += name.size() + value.size() + 6;
  response.body.reserve(size + 16);
  response.body.push_back('{');
  for (const auto& [name, value] : members) {
    if (response.body.size() > 1) response.body.push_back(',');
    append_json_string(response.body, name);
    response.body.push_back(':');
    append_json_string(response.body, value);
  }
  response.body.push_back('}');
  return response;
}

HttpResponse error_response(int status, std::string_view detail) {
  return json_strings_response(status, {{"detail", detail}});
}

nlohmann::json iso8601(std::optional<std::int64_t> unix_seconds) {
  if (!unix_seconds) return nullptr;
  const std::time_t t = static_cast<std::time_t>(*unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace ac
