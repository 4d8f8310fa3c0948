#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "http/message.h"

namespace ac {

HttpResponse json_response(int status, const nlohmann::json& body);
// {"detail": "<code>"}, the only shape an error takes.
HttpResponse error_response(int status, std::string_view detail);

// Unix seconds as ISO 8601 UTC ("2026-01-27T10:00:00Z"); null when absent.
nlohmann::json iso8601(std::optional<std::int64_t> unix_seconds);

}  // namespace ac
