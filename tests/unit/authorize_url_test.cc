// The authorize URL keeps its exact text now that its constant parameters are encoded once, when
// the ProviderClient is made (issue 12): every parameter form-encoded, in the same order, and a
// query already in AUDIBLE_AUTHORIZE_URL continued with '&'.

#include <gtest/gtest.h>

#include "config/settings.h"
#include "oauth/provider_client.h"

namespace ac {
namespace {

Settings settings_with(std::string authorize_url) {
  return *load_settings(map_environment({{"AUDIBLE_CLIENT_ID", "client id/1"},
                                         {"AUDIBLE_CLIENT_SECRET", "secret"},
                                         {"AUDIBLE_REDIRECT_URI", "https://app.example/cb?x=1&y"},
                                         {"AUDIBLE_OAUTH_SCOPE", "library profile~"},
                                         {"AUDIBLE_AUTHORIZE_URL", authorize_url}}));
}

TEST(AuthorizeUrl, EncodesEveryParameterInOrder) {
  const Settings settings = settings_with("https://provider.example/authorize");
  HttpClient http{HttpClientSettings{}};
  const ProviderClient provider(settings, http);
  EXPECT_EQ(provider.authorize_url("st+te", "ch/al=enge"),
            "https://provider.example/authorize?client_id=client%20id%2F1&response_type=code"
            "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y&state=st%2Bte"
            "&scope=library%20profile~&code_challenge=ch%2Fal%3Denge&code_challenge_method=S256");
}

TEST(AuthorizeUrl, ContinuesAQueryTheConfiguredUrlHas) {
  const Settings settings = settings_with("https://provider.example/authorize?tenant=a");
  HttpClient http{HttpClientSettings{}};
  const ProviderClient provider(settings, http);
  const std::string url = provider.authorize_url("s", "c");
  EXPECT_TRUE(url.starts_with("https://provider.example/authorize?tenant=a&client_id=")) << url;
  EXPECT_TRUE(
      url.ends_with("&state=s&scope=library%20profile~&code_challenge=c"
                    "&code_challenge_method=S256"))
      << url;
}

}  // namespace
}  // namespace ac
