#pragma once

#include <string>

namespace ac {

// The platform's user, as its JWT or its user-info endpoint describes them (CONTRACT.md section 4).
struct User {
  std::string id;
  std::string subscription_tier = "basic";  // basic, premium or family
  bool is_admin = false;
  bool is_active = true;

  // Premium, family and admin users may use the integration.
  bool has_premium_access() const {
    return is_admin || subscription_tier == "premium" || subscription_tier == "family";
  }
};

}  // namespace ac
