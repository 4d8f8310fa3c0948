#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "api/route.h"

namespace ac {

// The OpenAPI 3 document of a route table: each route's parameters with their bounds, its body
// and response schemas, and every error it may answer, one response per status with the exact
// detail strings as an enum (the route's own, plus those its needs imply: authentication, the
// configured integration, a JSON body) and FastAPI's HTTPValidationError for 422.
nlohmann::json openapi_document(const std::vector<Route>& routes);

// "get_api_v1_user_audible_asin_details" for GET /api/v1/user/audible/{asin}/details.
std::string derived_operation_id(std::string_view method, std::string_view pattern);

}  // namespace ac
