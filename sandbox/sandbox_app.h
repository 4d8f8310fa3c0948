#pragma once

// audible-sandbox over HTTP: the authorization server's endpoints (/authorize, /token, /revoke),
// Audible's /1.0/customer/information, /1.0/library and /1.0/catalog/products, a demo redirect
// target, and the test controls under /_sandbox/ (faults, stats with library calls per user,
// libraries, token lifetime).
// Test controls are validated: a bad one is a 400 and changes nothing. Every answer carries
// nosniff; pages also X-Frame-Options: DENY and a CSP without scripts or framing, and the consent
// form a CSRF token (sandbox/consent_token.h).

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "http/server.h"
#include "sandbox/authorization_server.h"
#include "sandbox/catalog.h"
#include "sandbox/consent_token.h"
#include "sandbox/faults.h"
#include "sandbox/library_calls.h"

namespace ac::sandbox {

class SandboxApp final : public HttpApp {
 public:
  SandboxApp(AuthorizationServer& server, Libraries& libraries)
      : server_(server), libraries_(libraries) {}

  // Everything runs on the worker pool: an injected delay must not hold an I/O thread.
  bool handles_inline(const HttpRequest&) const override { return false; }
  HttpResponse handle(HttpRequest& request) override;
  HttpResponse refuse(int status, std::string_view detail) override;

 private:
  HttpResponse route(HttpRequest& request);
  HttpResponse authorize_page(const HttpRequest& request);
  HttpResponse authorize_decision(const HttpRequest& request);
  HttpResponse token(const HttpRequest& request);
  HttpResponse revoke(const HttpRequest& request);
  HttpResponse customer_information(const HttpRequest& request);
  HttpResponse library(const HttpRequest& request);
  HttpResponse catalog_search(const HttpRequest& request);
  HttpResponse catalog_product(const HttpRequest& request);
  std::optional<std::string> bearer_user(const HttpRequest& request) const;
  HttpResponse demo_callback(const HttpRequest& request);
  HttpResponse control(const HttpRequest& request);
  HttpResponse change_library(const nlohmann::json& spec);
  HttpResponse change_config(const nlohmann::json& spec);
  HttpResponse seed_grant(const nlohmann::json& spec);
  nlohmann::json tokens_json(const IssuedTokens& tokens);

  AuthorizationServer& server_;
  Libraries& libraries_;
  FaultBook faults_;
  LibraryCalls library_calls_;
  ConsentTokens consent_;
  std::mutex config_mutex_;
  // Sent as expires_in instead of the real lifetime: lets tests send what no sane server would.
  std::optional<nlohmann::json> expires_in_override_;
  std::atomic<int> requests_started_{0};  // outside /_sandbox/, counted as they arrive
};

}  // namespace ac::sandbox
