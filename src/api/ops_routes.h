#pragma once

#include <functional>
#include <vector>

#include "api/openapi.h"  // openapi_document, for the routes that serve it
#include "api/readiness_probe.h"
#include "api/route.h"

namespace ac {

// /health, /ready and /metrics, none behind authentication and none blocking: /ready answers from
// the probe's latest snapshot (200 when every check passed, 503 otherwise, with each check's
// "ok" or "unavailable"). `probe` must outlive the routes.
std::vector<Route> ops_routes(const ReadinessProbe& probe);

}  // namespace ac
