#pragma once

// GET /docs (Swagger UI) and GET /redoc (ReDoc), the pages FastAPI serves (its
// fastapi/openapi/docs.py): HTML that loads the viewer from `assets_url` (DOCS_ASSETS_URL, a
// directory laid out as npm's node_modules; empty: the jsDelivr CDN, at the major versions
// FastAPI pins) and shows /openapi.json. Both pages carry their own Content-Security-Policy,
// relaxed only as far as the viewer needs: scripts from the asset origin alone (Swagger UI's
// inline starter by its hash), fetches to our own origin, no framing. Neither page is listed in
// /openapi.json, as in FastAPI.

#include <string_view>
#include <vector>

#include "api/route.h"

namespace ac {

std::vector<Route> docs_routes(std::string_view assets_url);

}  // namespace ac
