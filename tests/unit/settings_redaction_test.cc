// A credential inside a provider URL never reaches a configuration error line (issue 11, defect 5).

#include <gtest/gtest.h>

#include "config/settings.h"

namespace ac {
namespace {

std::string error_for(const std::string& name, const std::string& value) {
  const auto settings = load_settings(map_environment({{name, value}}));
  EXPECT_FALSE(settings) << name << " should have been refused";
  return settings ? "" : settings.error();
}

TEST(SettingsRedaction, ProviderUrlPasswordIsNotEchoed) {
  for (const auto* name : {"AUDIBLE_AUTH_URL", "AUDIBLE_API_BASE_URL", "AUDIBLE_AUTHORIZE_URL",
                           "AUDIBLE_TOKEN_URL", "AUDIBLE_REVOKE_URL"}) {
    // Refused for its userinfo, and plain http off loopback: both error lines.
    for (const auto* url :
         {"https://user:S3cret@host.example/oauth", "http://user:S3cret@host.example/oauth"}) {
      const std::string error = error_for(name, url);
      EXPECT_NE(error.find(name), std::string::npos) << error;
      EXPECT_EQ(error.find("S3cret"), std::string::npos) << error;
    }
  }
}

TEST(SettingsRedaction, PasswordQueryValueIsNotEchoed) {
  const std::string error = error_for("AUDIBLE_TOKEN_URL", "http://host.example/t?password=S3cret");
  EXPECT_EQ(error.find("S3cret"), std::string::npos) << error;
}

TEST(SettingsRedaction, RedirectUriPasswordIsNotEchoed) {
  const std::string error = error_for("AUDIBLE_REDIRECT_URI", "ftp://user:S3cret@app.example/cb");
  EXPECT_NE(error.find("AUDIBLE_REDIRECT_URI"), std::string::npos) << error;
  EXPECT_EQ(error.find("S3cret"), std::string::npos) << error;
}

TEST(SettingsRedaction, ARedirectUriPasswordIsNeverEchoed) {
  // Refused at load or by serve_blocker, whichever sees it first: neither line shows it.
  const auto settings =
      load_settings(map_environment({{"AUDIBLE_CLIENT_ID", "id"},
                                     {"AUDIBLE_CLIENT_SECRET", "secret"},
                                     {"AUDIBLE_REDIRECT_URI", "http://user:S3cret@app.example/cb"},
                                     {"AUDIBLE_ALLOW_PLAINTEXT_TOKENS", "true"},
                                     {"JWT_SECRET_KEY", "jwt-secret"}}));
  const std::string line = settings ? serve_blocker(*settings).value_or("") : settings.error();
  EXPECT_NE(line.find("AUDIBLE_REDIRECT_URI"), std::string::npos) << line;
  EXPECT_EQ(line.find("S3cret"), std::string::npos) << line;
}

}  // namespace
}  // namespace ac
