#include <ostream>

#include "api/admin_routes.h"
#include "app/commands.h"
#include "app/store_command.h"
#include "util/time_text.h"

namespace ac {

int run_audit(const EnvLookup& env, const AuditCommandOptions& options, std::ostream& out,
              std::ostream& err) {
  AuditQuery query;
  query.limit = options.limit;
  if (!options.user.empty()) query.user_id = options.user;
  if (!options.since.empty()) {
    query.since_ms = parse_time_ms(options.since);
    if (!query.since_ms) {
      err << "audible-connect: audit: --since: not RFC 3339 nor unix seconds: " << options.since
          << '\n';
      return 1;
    }
  }
  if (options.before > 0) query.before_id = options.before;
  const auto opened = open_store_command(env, err, /*needs_keys=*/false);
  if (!opened) return 1;
  const auto events = opened->stores.audit->list(query);
  if (!events) {
    err << "audible-connect: audit: " << events.error().message << '\n';
    return 1;
  }

  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& event : *events) list.push_back(audit_event_json(event));
    out << list.dump(2) << '\n';
  } else {
    out << "id\tat\tevent\tuser_id\taudible_user_id\trequest_id\tinstance\treason\n";
    for (const auto& e : *events) {
      out << e.id << '\t' << rfc3339_ms(e.at_ms) << '\t' << e.event << '\t' << e.user_id << '\t'
          << e.audible_user_id << '\t' << e.request_id << '\t' << e.instance << '\t' << e.reason
          << '\n';
    }
  }
  // A full page may have more behind it: say how to ask for it, where a pipe does not read it.
  if (!events->empty() && static_cast<int>(events->size()) == options.limit) {
    err << "more: --before " << events->back().id << '\n';
  }
  return 0;
}

}  // namespace ac
