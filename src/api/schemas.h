#pragma once

// The JSON shapes the endpoints answer with, as OpenAPI schemas under the names the seeds'
// pydantic models had where they had one. Routes name them in their ResponseBody.

#include "api/route.h"

namespace ac {

Schema audiobook_schema();
Schema oauth_url_schema();          // authorize
Schema oauth_connected_schema();    // callback
Schema connection_status_schema();  // /connected
Schema disconnected_schema();
Schema library_sync_schema();
Schema play_url_schema();
Schema health_schema();
Schema readiness_schema();
Schema audit_event_schema();  // the admin audit trail

// FastAPI's 422 components, with the names FastAPI gives them.
Schema http_validation_error_schema();
Schema validation_error_schema();

}  // namespace ac
