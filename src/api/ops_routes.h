#pragma once

#include <functional>
#include <vector>

#include "api/route.h"
#include "store/account_store.h"

namespace ac {

// A dependency /ready asks; an error message means it is not answering.
using ReadinessCheck = std::function<std::optional<std::string>()>;

// /health, /ready and /metrics, none behind authentication.
std::vector<Route> ops_routes(std::vector<std::pair<std::string, ReadinessCheck>> checks);

// The OpenAPI 3 document of a route table.
nlohmann::json openapi_document(const std::vector<Route>& routes);

}  // namespace ac
