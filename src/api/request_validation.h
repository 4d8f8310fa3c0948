#pragma once

// A request's query parameters and JSON body checked against the route's declarations, the way
// FastAPI (pydantic v2, lax mode) checks Query(...) parameters and a body model: every failure
// becomes one item of the 422 in `errors`.

#include <nlohmann/json.hpp>
#include <vector>

#include "api/route.h"
#include "api/validation_errors.h"
#include "http/query.h"

namespace ac {

// The declared parameters' values, from the query as Starlette parses it (a name given twice
// counts with its last value). Undeclared names are ignored.
nlohmann::json validate_query(const std::vector<QueryParam>& params, const Form& query,
                              ValidationErrors& errors);

// The body, checked against its declaration. `body` is the parsed JSON, null when the request
// had none. Returns the object the handler sees (the empty object for an absent optional body).
nlohmann::json validate_body(const RequestBody& declared, const nlohmann::json& body,
                             ValidationErrors& errors);

// An integer as pydantic reads one from a string: surrounding whitespace, a sign, single
// underscores between digits and a ".000" tail are allowed. Values beyond 64 bits saturate (they
// fail any bound). nullopt when the text is no integer.
std::optional<std::int64_t> parse_lax_integer(std::string_view text);

}  // namespace ac
