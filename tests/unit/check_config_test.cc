#include <gtest/gtest.h>

#include <sstream>

#include "app/commands.h"
#include "crypto/fernet.h"

namespace ac {
namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome check(std::map<std::string, std::string> env) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = run_check_config(map_environment(std::move(env)), out, err);
  return {code, out.str(), err.str()};
}

TEST(CheckConfig, UsableConfigurationPrintsNoSecrets) {
  const auto key = FernetKey::generate().text();
  const auto result = check({{"AUDIBLE_CLIENT_ID", "client-id"},
                             {"AUDIBLE_CLIENT_SECRET", "client-secret-value"},
                             {"AUDIBLE_REDIRECT_URI", "https://app.example/cb"},
                             {"AUDIBLE_TOKEN_ENCRYPTION_KEY", key},
                             {"JWT_SECRET_KEY", "jwt-secret-value"},
                             {"DATABASE_URL", "postgresql://app:db-password@db/x"}});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("integration:       configured"), std::string::npos);
  EXPECT_NE(result.out.find("status:            usable"), std::string::npos);
  for (const std::string& secret :
       std::vector<std::string>{"client-secret-value", "jwt-secret-value", "db-password", key}) {
    EXPECT_EQ(result.out.find(secret), std::string::npos) << secret;
  }
}

TEST(CheckConfig, NoKeyWithoutPlaintextFlagIsUnusable) {
  const auto result = check({{"JWT_SECRET_KEY", "j"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_NE(result.out.find("unusable: AUDIBLE_TOKEN_ENCRYPTION_KEY"), std::string::npos);
  EXPECT_NE(result.out.find("not configured (missing: AUDIBLE_CLIENT_ID AUDIBLE_CLIENT_SECRET "
                            "AUDIBLE_REDIRECT_URI)"),
            std::string::npos);
}

TEST(CheckConfig, BadValueIsOneLineOnStderr) {
  const auto result = check({{"PORT", "eighty"}});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "config error: PORT must be a whole number from 0 to 65535 (got \"eighty\")\n");
}

}  // namespace
}  // namespace ac
