#include "api/schemas.h"

namespace ac {
namespace {

using nlohmann::json;

json string_property(std::string_view description) {
  return {{"type", "string"}, {"description", description}};
}

json nullable(json schema) {
  schema["nullable"] = true;
  return schema;
}

json object(json properties, json required) {
  return {
      {"type", "object"}, {"required", std::move(required)}, {"properties", std::move(properties)}};
}

json timestamp(std::string_view description) {
  return nullable({{"type", "string"}, {"format", "date-time"}, {"description", description}});
}

}  // namespace

Schema audiobook_schema() {
  return {"Audiobook",
          object({{"asin", string_property("Audible's product id, ^[A-Z0-9]{10}$")},
                  {"title", nullable(string_property("title"))},
                  {"author", nullable(string_property("authors' names joined with \", \""))},
                  {"narrator", nullable(string_property("narrators' names joined with \", \""))},
                  {"image", nullable(string_property("the 500 px product image's URL"))},
                  {"description", nullable(string_property("the publisher's summary"))},
                  {"duration_minutes", nullable({{"type", "integer"}})},
                  {"rating", nullable({{"type", "number"}, {"description", "overall average"}})},
                  {"is_owned", {{"type", "boolean"}}},
                  {"source", {{"type", "string"}, {"enum", {"audible"}}}}},
                 {"asin", "title", "author", "narrator", "image", "description", "duration_minutes",
                  "rating", "is_owned", "source"})};
}

Schema oauth_url_schema() {
  return {
      "AudibleOAuthUrlResponse",
      object({{"auth_url", string_property("where to send the user's browser")},
              {"state", string_property("echo it back to the callback")},
              {"code_challenge", string_property("the PKCE challenge (the verifier stays here)")},
              {"code_challenge_method", {{"type", "string"}, {"enum", {"S256"}}}}},
             {"auth_url", "state", "code_challenge", "code_challenge_method"})};
}

Schema oauth_connected_schema() {
  return {"AudibleOAuthCallbackResponse",
          object({{"status", {{"type", "string"}, {"enum", {"connected"}}}},
                  {"audible_user_id", string_property("the user's id at Audible")},
                  {"synced_at", timestamp("the last library sync, null before the first")}},
                 {"status", "audible_user_id", "synced_at"})};
}

Schema connection_status_schema() {
  return {"AudibleConnectionResponse",
          object({{"connected", {{"type", "boolean"}}},
                  {"audible_user_id", nullable(string_property("present when connected"))},
                  {"synced_at", timestamp("the last successful library sync")},
                  {"last_sync_error", nullable(string_property("why the last sync failed"))},
                  {"sync_status",
                   string_property("never_synced, synced, failed or reauth_required (the user "
                                   "must link again)")},
                  {"connected_at", timestamp("when the account was linked")}},
                 {"connected"})};
}

Schema disconnected_schema() {
  return {"AudibleDisconnectResponse",
          object({{"status", {{"type", "string"}, {"enum", {"disconnected"}}}}}, {"status"})};
}

Schema library_sync_schema() {
  return {"AudibleLibrarySyncResponse",
          object({{"status", {{"type", "string"}, {"enum", {"synced"}}}},
                  {"audiobooks_count", {{"type", "integer"}}},
                  {"synced_at", timestamp("when this sync finished")}},
                 {"status", "audiobooks_count", "synced_at"})};
}

Schema play_url_schema() {
  return {"AudiblePlayUrlResponse",
          object({{"url", string_property("https://www.audible.<domain>/pd/<asin>")},
                  {"platform", string_property("the platform asked for")},
                  {"action", {{"type", "string"}, {"enum", {"redirect_to_audible"}}}}},
                 {"url", "platform", "action"})};
}

Schema health_schema() {
  return {"HealthResponse",
          object({{"status", {{"type", "string"}, {"enum", {"ok"}}}}}, {"status"})};
}

Schema readiness_schema() {
  return {
      "ReadinessResponse",
      object({{"status", {{"type", "string"}, {"enum", {"ready", "unavailable"}}}},
              {"checks",
               {{"type", "object"},
                {"description", "each check's result"},
                {"additionalProperties", {{"type", "string"}, {"enum", {"ok", "unavailable"}}}}}}},
             {"status", "checks"})};
}

Schema validation_error_schema() {
  return {"ValidationError",
          {{"title", "ValidationError"},
           {"type", "object"},
           {"required", {"loc", "msg", "type"}},
           {"properties",
            {{"loc",
              {{"title", "Location"},
               {"type", "array"},
               {"items", {{"anyOf", {{{"type", "string"}}, {{"type", "integer"}}}}}}}},
             {"msg", {{"title", "Message"}, {"type", "string"}}},
             {"type", {{"title", "Error Type"}, {"type", "string"}}},
             {"input", {{"title", "Input"}}}}}}};
}

Schema audit_event_schema() {
  return {
      "AuditEvent",
      object({{"at", {{"type", "string"}, {"format", "date-time"}}},
              {"user_id", string_property("the platform's user")},
              {"audible_user_id", string_property("the linked Audible account")},
              {"event",
               {{"type", "string"},
                {"enum",
                 {"linked", "refreshed", "refresh_refused", "revoked", "disconnected",
                  "reencrypted", "imported", "decryption_failed"}}}},
              {"request_id", string_property("the request, or the command (cli:...)")},
              {"instance", string_property("the process that did it: host:pid")},
              {"reason", string_property("short; never a secret")}},
             {"at", "user_id", "audible_user_id", "event", "request_id", "instance", "reason"})};
}

Schema http_validation_error_schema() {
  return {"HTTPValidationError",
          {{"title", "HTTPValidationError"},
           {"type", "object"},
           {"properties",
            {{"detail",
              {{"title", "Detail"},
               {"type", "array"},
               {"items", {{"$ref", "#/components/schemas/ValidationError"}}}}}}}}};
}

}  // namespace ac
