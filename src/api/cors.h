#pragma once

// CORS for the platform's browser frontend on another origin (CONTRACT.md section 2), answered as
// Starlette's CORSMiddleware answers with the platform's configuration (allow_origins from
// BACKEND_CORS_ORIGINS, allow_credentials=True, allow_methods=["*"], allow_headers=["*"]).
//
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here, before
// and without authentication: 200 for a listed origin with the methods, the requested headers
// (checked to be header names, so nothing else is echoed) and Max-Age 600; 400 `Disallowed CORS
// origin` (or `headers`, `method`) otherwise. Every other response to a listed origin carries
// Allow-Origin (that origin, never `*`), Allow-Credentials, Vary: Origin and the headers a frontend
// may read. Unlisted origins get no CORS header at all. Immutable after construction: safe to
// use from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace ac {

class CorsPolicy {
 public:
  // `origins` as normalised by load_settings (scheme://host[:port], lower case); empty: CORS off.
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const { return !origins_.empty(); }
  static bool is_preflight(const HttpRequest& request);

  HttpResponse preflight(const HttpRequest& request) const;
  // Adds the CORS headers to a response when the request's Origin is listed.
  void decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  bool allows(std::string_view origin) const;

  std::vector<std::string> origins_;
};

}  // namespace ac
