#include "store/audit_log.h"

#include <unistd.h>

#include <chrono>

#include "obs/log.h"
#include "obs/metrics.h"

namespace ac {

const std::string& this_instance() {
  static const std::string instance = [] {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::string(host[0] != '\0' ? host : "unknown") + ":" + std::to_string(::getpid());
  }();
  return instance;
}

AuditContext audit_context_here(std::string reason) {
  const std::string& request_id = log::current_request_id();
  return AuditContext{request_id.empty() ? "background" : request_id, this_instance(),
                      std::move(reason)};
}

AuditContext audit_context_of_command(std::string_view command, std::string reason) {
  return AuditContext{"cli:" + std::string(command), this_instance(), std::move(reason)};
}

std::int64_t audit_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AuditEvent audit_event_now(std::string_view event, std::string_view user_id,
                           std::string_view audible_user_id, const AuditContext& who) {
  return AuditEvent{.at_ms = audit_now_ms(),
                    .user_id = std::string(user_id),
                    .audible_user_id = std::string(audible_user_id),
                    .event = std::string(event),
                    .request_id = who.request_id,
                    .instance = who.instance,
                    .reason = who.reason};
}

void count_audit_event(std::string_view event, std::int64_t n) {
  if (n <= 0) return;
  metrics::registry()
      .audit_events_total.with("event=\"" + metrics::label_value(event) + "\"")
      .inc(static_cast<std::uint64_t>(n));
}

}  // namespace ac
