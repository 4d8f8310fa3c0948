#pragma once

// The service as the HTTP server sees it: matches a request to its route, then applies the
// route's needs in the contract's order (authentication 401/400, premium 403, rate limit 429,
// configuration 503, query and body 400/422), runs the handler, and adds to every response, errors
// included, the security headers, X-Request-ID and, for a listed origin, the CORS headers; then
// counts and logs it. A CORS preflight is answered before any of those checks.
//
// Two bounds keep one client from costing everyone: a client address (X-Forwarded-For believed
// only from FORWARDED_ALLOW_IPS) that has failed authentication too often this minute gets 429
// without its credentials being checked, and the refusals it causes are logged for the first few
// only; a user gets at most AUDIBLE_PROVIDER_CALLS_PER_USER provider calls in flight (429 beyond).

#include <memory>
#include <vector>

#include "api/cors.h"
#include "api/path_segments.h"
#include "api/route.h"
#include "api/route_metrics.h"
#include "auth/authenticator.h"
#include "config/settings.h"
#include "http/auth_failure_limiter.h"
#include "http/in_flight_limiter.h"
#include "http/rate_limiter.h"
#include "http/server.h"

namespace ac {

// kOmit: no /openapi.json, /docs or /redoc route (a listener that serves /metrics alone).
enum class OpenApi { kServe, kOmit };

class ServiceApp final : public HttpApp {
 public:
  ServiceApp(const Settings& settings, Authenticator& authenticator, RateLimiter& limiter,
             std::vector<Route> routes, OpenApi openapi = OpenApi::kServe);

  bool handles_inline(const HttpRequest& request) const override;
  bool calls_provider(const HttpRequest& request) const override;
  HttpResponse handle(HttpRequest& request) override;
  HttpResponse refuse(int status, std::string_view detail) override;
  HttpResponse refuse_read(const HttpRequest& partial, int status,
                           std::string_view detail) override;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Match {
    const Route* route = nullptr;
    std::vector<std::string_view> allowed;  // the methods of the routes with this path
    std::vector<std::string> params;
  };
  // The first route of the request's method whose pattern fits the path; allocates nothing.
  const Route* find(const HttpRequest& request, const PathSegments& path) const;
  // find(), with the route's parameters, or else the methods of the routes that fit the path.
  Match match(const HttpRequest& request) const;
  HttpResponse run_route(const Route& route, HttpRequest& request, std::vector<std::string> params,
                         std::string& user_id);
  void finish(HttpResponse& response, std::string request_id) const;
  // Counts a failed authentication against the client's address; logs the first few a minute.
  HttpResponse refuse_credentials(const std::string& client, std::string_view reason);
  int limit_for(RateClass rate_class) const;

  const Settings& settings_;
  Authenticator& authenticator_;
  RateLimiter& limiter_;
  CorsPolicy cors_;
  AuthFailureLimiter auth_failures_;
  InFlightLimiter provider_calls_;
  std::vector<Route> routes_;
  std::vector<PathSegments> route_segments_;                  // each pattern, split once
  std::vector<std::unique_ptr<RouteMetrics>> route_metrics_;  // each route's, by its index
  RouteMetrics unmatched_metrics_{"unmatched"};
  RouteMetrics preflight_metrics_{"cors_preflight"};
};

}  // namespace ac
