#include "oauth/state_store.h"

namespace ac {

std::string_view describe(StateError error) {
  switch (error) {
    case StateError::kUnknown:
      return "unknown or already used state";
    case StateError::kExpired:
      return "expired state";
    case StateError::kWrongUser:
      return "state issued to another user";
    case StateError::kUnavailable:
      return "state store unavailable";
  }
  return "unknown state error";
}

}  // namespace ac
