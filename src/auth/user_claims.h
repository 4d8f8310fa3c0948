#pragma once

// The platform's user from a JSON object: a JWT's claims or the user-info endpoint's answer
// (CONTRACT.md section 4). Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <optional>

#include "auth/user.h"

namespace ac {

// `sub`, else `id`, else `_id` (a string or an integer) is the id; nullopt when none is there.
// `subscription_tier` (missing: basic), `role` or `roles` (admin or super_admin: admin) and
// `is_active` fill in the rest; values of the wrong type count as missing.
std::optional<User> user_from_json(const nlohmann::json& object);

}  // namespace ac
