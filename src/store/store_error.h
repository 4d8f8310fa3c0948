#pragma once

// How a store operation failed, so that the HTTP layer answers a lost database with the
// contract's 503 and a bug with a 500, in one place (api/responses.h: store_error_response).

#include <string>

namespace ac {

enum class StoreErrorKind {
  kInternal,     // the statement or the data is wrong: a bug, a corrupt row, a full disk
  kUnavailable,  // the database cannot be reached, is restarting, or no connection came in time
  kConflict,     // another writer won a race that the caller may retry
};

struct StoreError {
  std::string message;  // for the log; never holds a password or a token
  StoreErrorKind kind = StoreErrorKind::kInternal;

  bool unavailable() const { return kind == StoreErrorKind::kUnavailable; }
};

}  // namespace ac
