#include "api/oauth_routes.h"

#include "api/responses.h"
#include "api/schemas.h"
#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {
namespace {

std::optional<std::string> string_member(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

HttpResponse connect_error_response(ConnectError error) {
  switch (error) {
    case ConnectError::kInvalidState:
      return error_response(400, "invalid_state_parameter");
    case ConnectError::kDenied:
      return error_response(400, "audible_oauth_denied");
    case ConnectError::kProviderRejected:
      return error_response(400, "audible_oauth_failed");
    case ConnectError::kProviderUnavailable:
    case ConnectError::kStoreUnavailable:
      return error_response(503, "audible_service_unavailable");
    case ConnectError::kInternal:
      return error_response(500, "internal_error");
  }
  return error_response(500, "internal_error");
}

HttpResponse authorize(ConnectFlow& flow, RouteRequest& request) {
  auto& m = metrics::registry();
  m.oauth_authorize_requests_total.inc();
  // A redirect_uri in the body is accepted and ignored: the configured one is always used.
  const auto start = flow.begin(request.user);
  if (!start) {
    m.oauth_authorize_errors_total.inc();
    return start.error() == ConnectError::kStoreUnavailable
               ? error_response(503, "audible_service_unavailable")
               : error_response(500, "failed_to_generate_oauth_url");
  }
  return json_strings_response(200, {{"auth_url", start->auth_url},
                                     {"state", start->state},
                                     {"code_challenge", start->code_challenge},
                                     {"code_challenge_method", "S256"}});
}

HttpResponse callback(ConnectFlow& flow, RouteRequest& request) {
  auto& m = metrics::registry();
  m.oauth_callback_requests_total.inc();
  // The body was checked against its declaration: `state` is a string, `code` or `error` is.
  CallbackInput input;
  input.state = request.body.at("state").get<std::string>();
  input.code = string_member(request.body, "code");
  input.iss = string_member(request.body, "iss");
  input.error = string_member(request.body, "error");
  const auto account = flow.complete(request.user, input);
  if (!account) {
    m.oauth_callback_errors_total.inc();
    return connect_error_response(account.error());
  }
  return json_response(200, {{"status", "connected"},
                             {"audible_user_id", account->audible_user_id},
                             {"synced_at", iso8601(account->synced_at)}});
}

HttpResponse connected(AccountStore& accounts, RouteRequest& request) {
  const auto account = accounts.find(request.user.id);
  if (!account) {
    log::error("account read failed",
               {{"user_id", request.user.id}, {"error_type", account.error().message}});
    return store_error_response(account.error());
  }
  if (!*account) return json_response(200, {{"connected", false}});
  const auto& a = **account;
  return json_response(200,
                       {{"connected", true},
                        {"audible_user_id", a.audible_user_id},
                        {"synced_at", iso8601(a.synced_at)},
                        {"last_sync_error",
                         a.last_sync_error ? nlohmann::json(*a.last_sync_error) : nlohmann::json()},
                        {"sync_status", a.sync_status},
                        {"connected_at", iso8601(a.connected_at)}});
}

HttpResponse disconnect(ConnectFlow& flow, RouteRequest& request) {
  const auto done = flow.disconnect(request.user);
  if (done) return json_response(200, {{"status", "disconnected"}});
  switch (done.error()) {
    case DisconnectError::kNotConnected:
      return error_response(404, "No Audible account connected");
    case DisconnectError::kStoreUnavailable:
      return error_response(503, "audible_service_unavailable");
    case DisconnectError::kInternal:
      break;
  }
  return error_response(500, "internal_error");
}

}  // namespace

std::vector<Route> oauth_routes(ConnectFlow& flow, AccountStore& accounts,
                                bool state_store_blocks) {
  return {
      {.method = "POST",
       .pattern = "/api/v1/user/audible/oauth/authorize",
       .summary = "Start linking: an authorization URL with state and PKCE challenge",
       .operation_id = "get_audible_oauth_url",
       .rate_class = RateClass::kAuthorize,
       .needs_configured = true,
       .blocking = state_store_blocks,
       .body = RequestBody{.schema_name = "AudibleOAuthRequest",
                           .fields = {{"redirect_uri",
                                       "ignored: the configured redirect URI is always used"}}},
       .response = ResponseBody{.schema = oauth_url_schema()},
       .errors = {{503, "audible_service_unavailable"}, {500, "failed_to_generate_oauth_url"}},
       .handler = [&flow](RouteRequest& request) { return authorize(flow, request); }},
      {.method = "POST",
       .pattern = "/api/v1/user/audible/oauth/callback",
       .summary = "Finish linking: exchange the code, store the encrypted tokens",
       .operation_id = "handle_audible_oauth_callback",
       .rate_class = RateClass::kCallback,
       .needs_configured = true,
       .calls_provider = true,
       .body = RequestBody{.schema_name = "AudibleOAuthCallback",
                           .required = true,
                           .fields = {{"state", "the state that authorize returned", true},
                                      {"code", "the authorization code, on approval"},
                                      {"iss", "the issuer, when the provider sent one (RFC 9207)"},
                                      {"error", "the provider's error, on refusal"}},
                           .one_of_required = {"code", "error"}},
       .response = ResponseBody{.schema = oauth_connected_schema()},
       .errors = {{400, "invalid_state_parameter"},
                  {400, "audible_oauth_denied"},
                  {400, "audible_oauth_failed"},
                  {503, "audible_service_unavailable"}},
       .handler = [&flow](RouteRequest& request) { return callback(flow, request); }},
      {.method = "GET",
       .pattern = "/api/v1/user/audible/connected",
       .summary = "Whether the user has linked an Audible account, and its sync state",
       .operation_id = "check_audible_connection",
       .response = ResponseBody{.schema = connection_status_schema()},
       .errors = {{503, "audible_service_unavailable"}},
       .handler = [&accounts](RouteRequest& request) { return connected(accounts, request); }},
      {.method = "POST",
       .pattern = "/api/v1/user/audible/disconnect",
       .summary = "Unlink: revoke at the provider (best effort) and delete the account",
       .operation_id = "disconnect_audible_account",
       .calls_provider = true,
       .response = ResponseBody{.schema = disconnected_schema()},
       .errors = {{404, "No Audible account connected"}, {503, "audible_service_unavailable"}},
       .handler = [&flow](RouteRequest& request) { return disconnect(flow, request); }},
  };
}

}  // namespace ac
