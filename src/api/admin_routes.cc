#include "api/admin_routes.h"

#include "api/responses.h"
#include "api/schemas.h"
#include "api/validation_errors.h"
#include "util/time_text.h"

namespace ac {

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
    AuditQuery query;
    query.limit = request.query.at("limit").get<int>();
    if (request.query.contains("user_id")) query.user_id = request.query["user_id"];
    if (request.query.contains("before")) query.before_id = request.query["before"];
    if (request.query.contains("since")) {
      const std::string since = request.query["since"];
      query.since_ms = parse_time_ms(since);
      if (!query.since_ms) {
        ValidationErrors errors;
        errors.value_error({"query", "since"}, since, "give RFC 3339 or unix seconds");
        return errors.response();
      }
    }
    const auto events = audit.list(query);
    if (!events) return store_error_response(events.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& event : *events) list.push_back(audit_event_json(event));
    HttpResponse response = json_response(200, list);
    if (static_cast<int>(events->size()) == query.limit) {
      response.set_header("X-Next-Before", std::to_string(events->back().id));
    }
    return response;
  };

  return {
      {.method = "GET",
       .pattern = "/api/v1/admin/audible/audit",
       .summary = "The audit trail of token operations, newest first (admin or super_admin); "
                  "a full page names the next one's `before` in X-Next-Before",
       .operation_id = "get_audible_audit_trail",
       .query_params = {{.name = "user_id",
                         .description = "only this user's events",
                         .max_length = 256},
                        {.name = "since",
                         .description = "only events at or after this time: RFC 3339 or unix "
                                        "seconds",
                         .max_length = 64},
                        {.name = "limit",
                         .type = QueryParam::Type::kInteger,
                         .description = "events to return",
                         .default_value = 50,
                         .minimum = 1,
                         .maximum = 500},
                        {.name = "before",
                         .type = QueryParam::Type::kInteger,
                         .description = "only events older than this event id (X-Next-Before of "
                                        "the previous page)",
                         .minimum = 1}},
       .response = ResponseBody{.schema = audit_event_schema(), .list = true},
       .errors = {{403, "admin_required"}, {503, "audible_service_unavailable"}},
       .handler = std::move(audit_handler)},
  };
}

}  // namespace ac
