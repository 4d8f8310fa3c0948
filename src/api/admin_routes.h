#pragma once

#include <vector>

#include "api/route.h"
#include "store/audit_log.h"

namespace ac {

// GET /api/v1/admin/audible/audit: the audit trail for admins (CONTRACT.md section 2, Admin).
// Newest first; `user_id` and `since` (RFC 3339 or unix seconds) filter, `limit` is 1..500 (50),
// and `before` (an event id) pages: when a page is full, X-Next-Before names the id to ask for
// the next one with.
std::vector<Route> admin_routes(AuditLog& audit);

// The event as the endpoint and `audible-connect audit --json` show it.
nlohmann::json audit_event_json(const AuditEvent& event);

}  // namespace ac
