#pragma once

// Pending OAuth authorizations, keyed by the CSRF `state` (CONTRACT.md section 6). A state is
// bound to the user who began the flow, used once, and expires after the store's TTL. Stores key
// entries by SHA-256(state), so the state itself is never kept.

#include <expected>
#include <string_view>

#include "crypto/pkce.h"

namespace ac {

enum class StateError {
  kUnknown,      // never issued, already used, or already swept out after expiry
  kExpired,      // found, but past its TTL
  kWrongUser,    // issued to another user
  kUnavailable,  // the store could not be reached
};

// The reason goes to the log; callers answer every rejection the same way.
std::string_view describe(StateError error);

// Thread-safe.
class StateStore {
 public:
  virtual ~StateStore() = default;
  // Whether calls may wait on the network, so that callers keep them off the I/O threads.
  virtual bool blocks() const { return true; }

  virtual std::expected<void, StateError> put(std::string_view state, std::string_view user_id,
                                              const PkceVerifier& verifier) = 0;

  // Atomic: of any number of concurrent calls with one state, at most one gets the verifier. The
  // state is used up whatever the outcome, including a wrong user.
  virtual std::expected<PkceVerifier, StateError> consume(std::string_view state,
                                                          std::string_view user_id) = 0;
};

}  // namespace ac
