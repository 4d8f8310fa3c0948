#pragma once

// The audit trail of token operations (issue 13): one event per operation, written by the account
// store in the same transaction as the change it records, so that the trail and the data cannot
// disagree. An event never holds a token, a code or a key: only who, what, when and a short
// reason. Implementations are safe to call from many threads at once; every call may block.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store_error.h"

namespace ac {

// The event names, as stored and as the admin endpoint answers them.
namespace audit_event {
inline constexpr std::string_view kLinked = "linked";                   // connect
inline constexpr std::string_view kRefreshed = "refreshed";             // tokens refreshed
inline constexpr std::string_view kRefreshRefused = "refresh_refused";  // reauth_required
inline constexpr std::string_view kRevoked = "revoked";                 // at the provider
inline constexpr std::string_view kDisconnected = "disconnected";       // account deleted
inline constexpr std::string_view kReencrypted = "reencrypted";         // under the first key
inline constexpr std::string_view kImported = "imported";               // import-mongo
inline constexpr std::string_view kDecryptionFailed = "decryption_failed";
}  // namespace audit_event

// Who did an operation and why, handed to the store method that does it.
struct AuditContext {
  std::string request_id;  // the HTTP request's id, or the command ("cli:rotate-keys")
  std::string instance;    // this_instance() of the process that did it
  std::string reason;      // short, never a secret
};

struct AuditEvent {
  std::int64_t id = 0;     // ascending in write order; the admin endpoint's paging cursor
  std::int64_t at_ms = 0;  // unix milliseconds
  std::string user_id;
  std::string audible_user_id;
  std::string event;
  std::string request_id;
  std::string instance;
  std::string reason;
};

struct AuditQuery {
  std::optional<std::string> user_id;
  std::optional<std::int64_t> since_ms;   // at or after
  std::optional<std::int64_t> before_id;  // ids below it: the next page
  int limit = 50;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // An event that changes no stored data (a revocation at the provider), in its own transaction.
  virtual std::expected<void, StoreError> append(const AuditEvent& event) = 0;
  // Newest first (descending id).
  virtual std::expected<std::vector<AuditEvent>, StoreError> list(const AuditQuery& query) = 0;
  // Deletes at most `batch` of the oldest events written before `before_ms`; how many went.
  virtual std::expected<std::int64_t, StoreError> prune(std::int64_t before_ms, int batch) = 0;
};

// The context of an operation done on behalf of the current thread's request (its X-Request-ID,
// from log::RequestScope), or of work no request asked for ("background"), on this instance.
AuditContext audit_context_here(std::string reason);

// The context of a command-line operation: "cli:" and the command ("cli:rotate-keys").
AuditContext audit_context_of_command(std::string_view command, std::string reason = "");

// "hostname:pid", made once: which process wrote an event.
const std::string& this_instance();

// Unix milliseconds now, the time an event is stamped with.
std::int64_t audit_now_ms();

// The event as it is stored for `user_id` now, with its context.
AuditEvent audit_event_now(std::string_view event, std::string_view user_id,
                           std::string_view audible_user_id, const AuditContext& who);

// Counts events by name in audible_audit_events_total, once they are committed.
void count_audit_event(std::string_view event, std::int64_t n = 1);

}  // namespace ac
