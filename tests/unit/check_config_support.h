#pragma once

// check-config as the tests run it: a usable configuration (a fresh Fernet key, the integration
// configured, PORT 0) with the test's changes, run in process, its exit code and output kept.

#include <map>
#include <sstream>
#include <string>

#include "app/commands.h"
#include "config/env.h"
#include "crypto/fernet.h"

namespace ac::testing {

struct CheckConfigOutcome {
  int code;
  std::string out;
  std::string err;

  bool said(const std::string& part) const { return out.find(part) != std::string::npos; }
};

// `changes` over the usable configuration with DATABASE_URL `database_url`; an empty value
// removes the variable.
inline CheckConfigOutcome run_check_config_with(const std::string& database_url,
                                                std::map<std::string, std::string> changes = {},
                                                bool connect = false) {
  std::map<std::string, std::string> env{
      {"AUDIBLE_CLIENT_ID", "client-id"},
      {"AUDIBLE_CLIENT_SECRET", "client-secret-value"},
      {"AUDIBLE_REDIRECT_URI", "https://app.example/cb"},
      {"AUDIBLE_TOKEN_ENCRYPTION_KEY", FernetKey::generate().text()},
      {"JWT_SECRET_KEY", "jwt-secret-value-of-at-least-32-bytes"},
      {"DATABASE_URL", database_url},
      {"PORT", "0"}};
  for (auto& [name, value] : changes) {
    if (value.empty()) {
      env.erase(name);
    } else {
      env[name] = value;
    }
  }
  std::ostringstream out;
  std::ostringstream err;
  const int code = run_check_config(map_environment(std::move(env)), out, err, connect);
  return {code, out.str(), err.str()};
}

}  // namespace ac::testing
