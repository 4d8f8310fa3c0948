#pragma once

// The real audible-sandbox binary (AC_TEST_SANDBOX_BIN) for tests of the OAuth flows: started on a
// free loopback port, stopped when this goes. Its test controls (/_sandbox/*) set faults and read
// counts; approve() presses Approve on its consent page as a browser would.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/settings.h"
#include "net/http_client.h"

namespace ac::testing {

class SandboxProcess {
 public:
  // Registers one client: sandbox-client / sandbox-secret / kRedirectUri.
  explicit SandboxProcess(std::vector<std::string> extra_arguments = {});
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  static constexpr const char* kRedirectUri = "https://app.example/audible/callback";

  const std::string& base_url() const { return base_url_; }
  // The service's settings for this sandbox (short timeouts, so that a fault costs little time).
  Settings provider_settings() const;

  // POST /_sandbox/faults with `spec`.
  void add_fault(const nlohmann::json& spec);
  // POST /_sandbox/config with `spec` (access_token_ttl, expires_in_override).
  void configure(const nlohmann::json& spec);
  // GET /_sandbox/stats for `user`.
  nlohmann::json stats(const std::string& user = "");
  // Waits (at most 5 s) until `count` requests outside /_sandbox/ have arrived, counted before
  // any fault delays them: the request is then in the provider's hands.
  void wait_for_requests(int count);
  // The code the sandbox redirects to after `audible_user` approves at `auth_url`.
  std::string approve(const std::string& auth_url, const std::string& audible_user);

 private:
  // POSTs `spec` to a test control; fails the test unless the sandbox took it.
  void control(const std::string& path, const nlohmann::json& spec);

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::string base_url_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace ac::testing
