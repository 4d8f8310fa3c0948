#pragma once

// The service as the HTTP server sees it: matches a request to its route, then applies the
// route's needs in the contract's order (authentication 401/400, premium 403, rate limit 429,
// configuration 503, body 400/422), runs the handler, and adds to every response, errors
// included, the security headers and X-Request-ID; then counts and logs it.

#include <memory>
#include <vector>

#include "api/route.h"
#include "auth/jwt_verifier.h"
#include "config/settings.h"
#include "http/rate_limiter.h"
#include "http/server.h"

namespace ac {

class ServiceApp final : public HttpApp {
 public:
  ServiceApp(const Settings& settings, const JwtVerifier& verifier, RateLimiter& limiter,
             std::vector<Route> routes);

  bool handles_inline(const HttpRequest& request) const override;
  HttpResponse handle(HttpRequest& request) override;
  HttpResponse refuse(int status, std::string_view detail) override;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Match {
    const Route* route = nullptr;
    bool path_known = false;  // some route has this path, perhaps with another method
    std::vector<std::string> params;
  };
  Match match(const HttpRequest& request) const;
  HttpResponse run_route(const Route& route, HttpRequest& request, std::vector<std::string> params,
                         std::string& user_id);
  void finish(HttpResponse& response, std::string_view request_id) const;
  int limit_for(RateClass rate_class) const;

  const Settings& settings_;
  const JwtVerifier& verifier_;
  RateLimiter& limiter_;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string_view>> route_segments_;  // each pattern, split once
};

}  // namespace ac
