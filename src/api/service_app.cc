#include "api/service_app.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "api/docs_routes.h"
#include "api/openapi.h"
#include "api/ops_routes.h"
#include "api/request_validation.h"
#include "api/responses.h"
#include "crypto/fernet.h"
#include "crypto/random.h"
#include "http/client_address.h"
#include "http/query.h"
#include "obs/log.h"

namespace ac {
namespace {

// Refused credentials logged per client address and minute; the rest are only counted.
constexpr int kLoggedRefusalsPerMinute = 5;

// A client's X-Request-ID is echoed when it is short and plain; otherwise we make one.
std::string request_id_for(const HttpRequest& request) {
  if (const auto given = request.header("x-request-id")) {
    const bool sane = !given->empty() && given->size() <= 128 &&
                      std::all_of(given->begin(), given->end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                      });
    if (sane) return std::string(*given);
  }
  std::array<std::uint8_t, 16> bytes;
  fill_random(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(2 * bytes.size(), '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    id[2 * i] = kHex[bytes[i] >> 4];
    id[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return id;
}

HttpResponse unauthorized() {
  HttpResponse response = error_response(401, "Could not validate credentials");
  response.set_header("WWW-Authenticate", "Bearer");
  return response;
}

// 405 with the path's methods in Allow (RFC 9110 15.5.6).
HttpResponse method_not_allowed(const std::vector<std::string_view>& allowed) {
  HttpResponse response = error_response(405, "method_not_allowed");
  std::string methods;
  for (const auto method : allowed) {
    if (!methods.empty()) methods += ", ";
    methods += method;
  }
  response.set_header("Allow", methods);
  return response;
}

HttpResponse too_many_requests(int retry_after_seconds) {
  HttpResponse response = error_response(429, "rate_limit_exceeded");
  response.set_header("Retry-After", std::to_string(retry_after_seconds));
  return response;
}

}  // namespace

ServiceApp::ServiceApp(const Settings& settings, Authenticator& authenticator, RateLimiter& limiter,
                       std::vector<Route> routes, OpenApi openapi)
    : settings_(settings),
      authenticator_(authenticator),
      limiter_(limiter),
      cors_(settings.cors_origins),
      auth_failures_(settings.auth_failures_per_minute),
      provider_calls_(settings.provider_calls_per_user),
      routes_(std::move(routes)) {
  if (openapi == OpenApi::kServe) {
    routes_.push_back({.method = "GET",
                       .pattern = "/openapi.json",
                       .summary = "This document",
                       .operation_id = "openapi",
                       .needs_user = false,
                       .blocking = false,
                       .response = ResponseBody{.schema = {"", {{"type", "object"}}}}});
    // The table is fixed from here on, so the document is made once.
    routes_.back().handler = [document = json_response(200, openapi_document(routes_))](
                                 RouteRequest&) { return document; };
    // Added after the document is made: FastAPI leaves its doc pages out of it too.
    auto docs = docs_routes(settings.docs_assets_url);
    routes_.insert(routes_.end(), docs.begin(), docs.end());
  }
  for (const auto& route : routes_) {
    route_segments_.emplace_back(route.pattern);
    if (!route_segments_.back().fits_in_limit()) {
      throw std::logic_error("route pattern with too many segments: " + std::string(route.pattern));
    }
    route_metrics_.push_back(std::make_unique<RouteMetrics>(route.pattern));
  }
}

const Route* ServiceApp::find(const HttpRequest& request, const PathSegments& path) const {
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    if (routes_[r].method == request.method && fits(route_segments_[r], path)) return &routes_[r];
  }
  return nullptr;
}

ServiceApp::Match ServiceApp::match(const HttpRequest& request) const {
  Match result;
  const PathSegments path(request.path);
  result.route = find(request, path);
  if (result.route != nullptr) {
    fits(route_segments_[result.route - routes_.data()], path, &result.params);
    return result;
  }
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    if (fits(route_segments_[r], path)) result.allowed.push_back(routes_[r].method);
  }
  return result;
}

bool ServiceApp::handles_inline(const HttpRequest& request) const {
  const Route* route = find(request, PathSegments(request.path));
  if (route == nullptr) return true;
  // Authentication and the limiter may wait on the network (JWKS, user-info, Redis).
  return !route->blocking &&
         !(route->needs_user && (limiter_.blocks() || authenticator_.may_block()));
}

bool ServiceApp::calls_provider(const HttpRequest& request) const {
  const Route* route = find(request, PathSegments(request.path));
  return route != nullptr && route->calls_provider;
}

std::string_view rate_class_name(RateClass rate_class) {
  switch (rate_class) {
    case RateClass::kAuthorize:
      return "authorize";
    case RateClass::kCallback:
      return "callback";
    case RateClass::kSearch:
      return "search";
    case RateClass::kGeneral:
      return "general";
  }
  return "general";
}

int ServiceApp::limit_for(RateClass rate_class) const {
  switch (rate_class) {
    case RateClass::kAuthorize:
      return settings_.rate_limits.authorize_per_minute;
    case RateClass::kCallback:
      return settings_.rate_limits.callback_per_minute;
    case RateClass::kSearch:
      return settings_.rate_limits.search_per_minute;
    case RateClass::kGeneral:
      return settings_.rate_limits.general_per_minute;
  }
  return settings_.rate_limits.general_per_minute;
}

HttpResponse ServiceApp::run_route(const Route& route, HttpRequest& request,
                                   std::vector<std::string> params, std::string& user_id) {
  User user;
  std::optional<InFlightLimiter::Slot> provider_slot;  // held until the handler returns
  if (route.needs_user) {
    const std::string client = client_address(request, settings_.trusted_proxies);
    if (const auto wait = auth_failures_.blocked(client, unix_now())) {
      return too_many_requests(*wait);
    }
    const auto authorization = request.header("authorization");
    const auto authenticated = authenticator_.authenticate(authorization.value_or(""), unix_now());
    if (!authenticated && authenticated.error().kind == AuthFailure::Kind::kUnavailable) {
      return error_response(503, "auth_service_unavailable");  // the cause is logged where seen
    }
    if (!authenticated) return refuse_credentials(client, authenticated.error().reason);
    user = *authenticated;
    user_id = user.id;
    if (!user.is_active) return error_response(400, "Inactive user");
    if (!user.has_premium_access()) return error_response(403, "audible_requires_premium");

    std::string key(rate_class_name(route.rate_class));
    key += ':';
    key += user.id;
    const auto decision = limiter_.hit(key, limit_for(route.rate_class), unix_now());
    if (!decision.allowed) return too_many_requests(decision.retry_after_seconds);
    if (route.calls_provider) {
      provider_slot = provider_calls_.try_acquire(user.id);
      if (!provider_slot) return too_many_requests(1);
    }
  }
  if (route.needs_configured && !settings_.is_audible_configured()) {
    return error_response(503, "audible_integration_not_configured");
  }

  nlohmann::json body;  // null: no body
  if (route.body && request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return error_response(400, "invalid_json");
  }
  ValidationErrors invalid;
  // Only routes that declare parameters read the query (FastAPI ignores the rest).
  RouteRequest route_request{
      request, user, std::move(params),
      route.query_params.empty()
          ? nlohmann::json::object()
          : validate_query(route.query_params, parse_query(request.query), invalid),
      route.body ? validate_body(*route.body, body, invalid) : nullptr};
  if (!invalid.empty()) return invalid.response();
  return route.handler(route_request);
}

HttpResponse ServiceApp::handle(HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  std::string request_id = request_id_for(request);
  log::RequestScope scope(request_id);

  auto found = match(request);
  std::string user_id;
  HttpResponse response;
  const bool preflight = cors_.enabled() && CorsPolicy::is_preflight(request);
  if (preflight) {
    response = cors_.preflight(request);
  } else if (found.route == nullptr) {
    response = found.allowed.empty() ? error_response(404, "not_found")
                                     : method_not_allowed(found.allowed);
  } else {
    try {
      response = run_route(*found.route, request, std::move(found.params), user_id);
    } catch (const std::exception& e) {
      log::error("handler failed", {{"error_type", e.what()}});
      response = error_response(500, "internal_error");
    }
  }
  finish(response, std::move(request_id));  // the log lines read it from the scope
  if (cors_.enabled()) cors_.decorate(request, response);

  const std::string_view route = preflight     ? "cors_preflight"
                                 : found.route ? found.route->pattern
                                               : "unmatched";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RouteMetrics& route_metrics = preflight     ? preflight_metrics_
                                : found.route ? *route_metrics_[found.route - routes_.data()]
                                              : unmatched_metrics_;
  route_metrics.record(response.status, seconds);
  if (log::enabled(log::Level::kInfo)) {
    log::info("request",
              {{"method", request.method},
               {"endpoint", route},
               {"status", response.status},
               {"duration_ms", std::round(seconds * 1e6) / 1e3},
               {"user_id", user_id.empty() ? log::Value(nullptr) : log::Value(user_id)}});
  }
  return response;
}

HttpResponse ServiceApp::refuse(int status, std::string_view detail) {
  HttpResponse response = error_response(status, detail);
  const HttpRequest none;
  finish(response, request_id_for(none));
  unmatched_metrics_.count(status);
  return response;
}

HttpResponse ServiceApp::refuse_read(const HttpRequest& partial, int status,
                                     std::string_view detail) {
  HttpResponse response = refuse(status, detail);
  // A frontend that posts too much can read the 413 instead of a bare CORS failure.
  if (cors_.enabled()) cors_.decorate(partial, response);
  return response;
}

HttpResponse ServiceApp::refuse_credentials(const std::string& client, std::string_view reason) {
  const int failures = auth_failures_.record(client, unix_now());
  if (failures <= kLoggedRefusalsPerMinute) {
    log::info("credentials refused", {{"error_type", reason}, {"client", client}});
  } else if (failures == kLoggedRefusalsPerMinute + 1) {
    log::warning(
        "credentials refused repeatedly: the rest from this address this minute are not "
        "logged",
        {{"client", client}});
  }
  if (failures == settings_.auth_failures_per_minute) {
    log::warning("failed authentication limit reached: this address gets 429 until the minute ends",
                 {{"client", client}, {"limit_per_minute", failures}});
  }
  return unauthorized();
}

void ServiceApp::finish(HttpResponse& response, std::string request_id) const {
  // The contract's security headers, serialized once. A page that must load scripts (/docs,
  // /redoc) brings its own Content-Security-Policy, relaxed for those alone, and keeps it.
  static constexpr std::string_view kSecurityHeaders =
      "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
      "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n"
      "X-Content-Type-Options: nosniff\r\n"
      "X-Frame-Options: DENY\r\n"
      "Referrer-Policy: strict-origin-when-cross-origin\r\n"
      "X-XSS-Protection: 0\r\n"
      "Cache-Control: no-store\r\n";
  static constexpr std::string_view kWithoutCsp =
      kSecurityHeaders.substr(kSecurityHeaders.find("\r\n") + 2);
  response.preset_headers = {};  // so that only the handler's own headers are asked below
  response.preset_headers =
      response.header("Content-Security-Policy") ? kWithoutCsp : kSecurityHeaders;
  response.set_header("X-Request-ID", std::move(request_id));
}

}  // namespace ac
