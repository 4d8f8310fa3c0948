#include "api/cors.h"

#include <algorithm>

#include "api/responses.h"
#include "http/header_check.h"
#include "util/text.h"

namespace ac {
namespace {

// Starlette's list for allow_methods=["*"].
constexpr std::string_view kAllowedMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
constexpr std::string_view kMaxAgeSeconds = "600";
// Readable by the frontend's script: the request id to quote when reporting a failure, and how
// long to wait after a 429. Other headers it needs (Content-Type) are safelisted.
constexpr std::string_view kExposedHeaders = "Retry-After, X-Request-ID";

// Access-Control-Request-Headers: a comma-separated list of header names. Returned as
// "name, name" when every entry is a token; nullopt otherwise (never echoed then).
std::optional<std::string> requested_headers(std::string_view list) {
  std::string names;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string name = trim_whitespace(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (name.empty()) continue;
    if (!is_header_token(name)) return std::nullopt;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

void add_vary_origin(HttpResponse& response) {
  const auto vary = response.header("Vary");
  response.set_header("Vary", vary ? std::string(*vary) + ", Origin" : std::string("Origin"));
}

}  // namespace

bool CorsPolicy::is_preflight(const HttpRequest& request) {
  return request.method == "OPTIONS" && request.header("origin") &&
         request.header("access-control-request-method");
}

bool CorsPolicy::allows(std::string_view origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

HttpResponse CorsPolicy::preflight(const HttpRequest& request) const {
  std::string failures;
  const auto note = [&failures](std::string_view what) {
    failures += failures.empty() ? "" : ", ";
    failures += what;
  };
  const std::string_view origin = request.header("origin").value_or("");
  if (!allows(origin)) note("origin");
  if (!is_header_token(request.header("access-control-request-method").value_or(""))) {
    note("method");
  }
  std::optional<std::string> headers = std::string();
  if (const auto asked = request.header("access-control-request-headers")) {
    headers = requested_headers(*asked);
    if (!headers) note("headers");
  }

  HttpResponse response = failures.empty() ? HttpResponse{.status = 200}
                                           : error_response(400, "Disallowed CORS " + failures);
  // Starlette sends these on a refused preflight too; without Allow-Origin the browser stops.
  response.set_header("Vary", "Origin");
  response.set_header("Access-Control-Allow-Methods", std::string(kAllowedMethods));
  response.set_header("Access-Control-Max-Age", std::string(kMaxAgeSeconds));
  response.set_header("Access-Control-Allow-Credentials", "true");
  if (failures.empty()) {
    response.set_header("Access-Control-Allow-Origin", std::string(origin));
    if (!headers->empty()) response.set_header("Access-Control-Allow-Headers", *headers);
  }
  return response;
}

void CorsPolicy::decorate(const HttpRequest& request, HttpResponse& response) const {
  const auto origin = request.header("origin");
  if (!origin || !allows(*origin)) return;
  response.set_header("Access-Control-Allow-Origin", std::string(*origin));
  response.set_header("Access-Control-Allow-Credentials", "true");
  response.set_header("Access-Control-Expose-Headers", std::string(kExposedHeaders));
  add_vary_origin(response);
}

}  // namespace ac
