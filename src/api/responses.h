#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "http/message.h"
#include "store/store_error.h"

namespace ac {

HttpResponse json_response(int status, const nlohmann::json& body);
// A JSON object of string members, written directly: for hot paths whose values are long URLs,
// where nlohmann's general serializer shows in profiles.
HttpResponse json_strings_response(
    int status, std::initializer_list<std::pair<std::string_view, std::string_view>> members);

// {"detail": "<code>"}, the only shape an error takes.
HttpResponse error_response(int status, std::string_view detail);

// A store failure: 503 audible_service_unavailable when the database is unreachable (it will be
// back), 500 internal_error otherwise.
HttpResponse store_error_response(const StoreError& error);

// Unix seconds as ISO 8601 UTC ("2026-01-27T10:00:00Z"); null when absent.
nlohmann::json iso8601(std::optional<std::int64_t> unix_seconds);

}  // namespace ac
