#include "auth/user_claims.h"

#include <string>

namespace ac {
namespace {

std::optional<std::string> id_value(const nlohmann::json& value) {
  if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
    return value.get<std::string>();
  }
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  return std::nullopt;
}

bool is_admin_role(const nlohmann::json& value) {
  return value.is_string() && (value.get_ref<const std::string&>() == "admin" ||
                               value.get_ref<const std::string&>() == "super_admin");
}

}  // namespace

std::optional<User> user_from_json(const nlohmann::json& object) {
  if (!object.is_object()) return std::nullopt;
  User user;
  for (const char* name : {"sub", "id", "_id"}) {
    const auto it = object.find(name);
    if (it == object.end()) continue;
    if (auto id = id_value(*it)) {
      user.id = std::move(*id);
      break;
    }
  }
  if (user.id.empty()) return std::nullopt;

  const auto tier = object.find("subscription_tier");
  if (tier != object.end() && tier->is_string()) user.subscription_tier = tier->get<std::string>();
  const auto role = object.find("role");
  user.is_admin = role != object.end() && is_admin_role(*role);
  const auto roles = object.find("roles");
  if (roles != object.end() && roles->is_array()) {
    for (const auto& item : *roles) user.is_admin = user.is_admin || is_admin_role(item);
  }
  const auto active = object.find("is_active");
  if (active != object.end() && active->is_boolean()) user.is_active = active->get<bool>();
  return user;
}

}  // namespace ac
