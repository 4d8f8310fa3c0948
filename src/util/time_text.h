#pragma once

// Instants as text, for the audit trail's readers: RFC 3339 with milliseconds out, RFC 3339 or
// unix seconds in.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ac {

// "2026-11-27T18:12:06.123Z" for unix milliseconds.
std::string rfc3339_ms(std::int64_t unix_ms);

// Unix milliseconds of "1764267126" (unix seconds) or of an RFC 3339 date-time
// ("2026-11-27T18:12:06Z", "2026-11-27T19:12:06.5+01:00"; 't' and 'z' and a space for 'T'
// accepted); nullopt for anything else.
std::optional<std::int64_t> parse_time_ms(std::string_view text);

}  // namespace ac
