#include "api/admin_routes.h"

#include <charconv>

#include "api/responses.h"
#include "http/query.h"
#include "util/time_text.h"

namespace ac {
namespace {

constexpr int kMaxAuditPage = 500;
constexpr std::size_t kMaxUserIdLength = 256;

using Query = std::vector<std::pair<std::string, std::string>>;

// A whole number written plainly, in [min, max].
std::optional<std::int64_t> whole_number(std::string_view text, std::int64_t min,
                                         std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// The query's filters and page; nullopt when a value is malformed or out of range.
std::optional<AuditQuery> audit_query(const Query& query) {
  AuditQuery wanted;
  if (auto user = form_value(query, "user_id"); user && !user->empty()) {
    if (user->size() > kMaxUserIdLength) return std::nullopt;
    wanted.user_id = std::move(*user);
  }
  if (auto since = form_value(query, "since"); since && !since->empty()) {
    wanted.since_ms = parse_time_ms(*since);
    if (!wanted.since_ms) return std::nullopt;
  }
  if (auto before = form_value(query, "before"); before && !before->empty()) {
    wanted.before_id = whole_number(*before, 1, INT64_MAX);
    if (!wanted.before_id) return std::nullopt;
  }
  if (auto limit = form_value(query, "limit")) {
    const auto parsed = whole_number(*limit, 1, kMaxAuditPage);
    if (!parsed) return std::nullopt;
    wanted.limit = static_cast<int>(*parsed);
  }
  return wanted;
}

}  // namespace

nlohmann::json audit_event_json(const AuditEvent& event) {
  return {{"at", rfc3339_ms(event.at_ms)},
          {"user_id", event.user_id},
          {"audible_user_id", event.audible_user_id},
          {"event", event.event},
          {"request_id", event.request_id},
          {"instance", event.instance},
          {"reason", event.reason}};
}

std::vector<Route> admin_routes(AuditLog& audit) {
  auto audit_handler = [&audit](RouteRequest& request) {
    if (!request.user.is_admin) return error_response(403, "admin_required");
    const auto query = audit_query(request.query);
    if (!query) return error_response(422, "invalid_parameters");
    const auto events = audit.list(*query);
    if (!events) return store_error_response(events.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& event : *events) list.push_back(audit_event_json(event));
    HttpResponse response = json_response(200, list);
    if (static_cast<int>(events->size()) == query->limit) {
      response.set_header("X-Next-Before", std::to_string(events->back().id));
    }
    return response;
  };

  return {
      {.method = "GET",
       .pattern = "/api/v1/admin/audible/audit",
       .summary = "The audit trail of token operations, newest first (admin or super_admin); "
                  "a full page names the next one's `before` in X-Next-Before",
       .query_params = {{"user_id", "string", "only this user's events"},
                        {"since", "string",
                         "only events at or after this time: RFC 3339 or "
                         "unix seconds"},
                        {"limit", "integer", "events to return, 1 to 500 (50)"},
                        {"before", "integer",
                         "only events older than this event id (X-Next-Before "
                         "of the previous page)"}},
       .errors = {{403, "admin_required"},
                  {422, "invalid_parameters"},
                  {503, "audible_service_unavailable"}},
       .handler = std::move(audit_handler)},
  };
}

}  // namespace ac
