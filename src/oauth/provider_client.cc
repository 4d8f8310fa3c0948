#include "oauth/provider_client.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "crypto/base64url.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "util/bounded_number.h"

namespace ac {
namespace {

ProviderError transport_error(const TransportFailure& failure) {
  return {ProviderFailure::kUnavailable, "transport: " + failure.message, ""};
}

// A string field, or a number given as one.
std::string string_field(const nlohmann::json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "";
}

// The sub claim of an id_token that came straight from the token endpoint over TLS; OpenID Connect
// Core 3.1.3.7 lets a client skip its signature in that case.
std::string id_token_subject(const std::string& id_token) {
  const auto first = id_token.find('.');
  const auto second = id_token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) return "";
  const auto payload = base64url::decode(
      std::string_view(id_token).substr(first + 1, second - first - 1), base64url::Padding::kStrip);
  if (!payload) return "";
  const auto claims = nlohmann::json::parse(payload->begin(), payload->end(), nullptr, false);
  return claims.is_object() ? string_field(claims, "sub") : "";
}

std::int64_t expires_in_of(const nlohmann::json& body) {
  const auto it = body.find("expires_in");
  if (it == body.end()) return kDefaultExpiresInSeconds;
  return bounded_integer(*it, {0, kMaxExpiresInSeconds}).value_or(kDefaultExpiresInSeconds);
}

void observe_call_time(std::chrono::steady_clock::time_point start) {
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  metrics::registry().api_response_time_ms.observe(took.count());
}

// Wipes a request body that carried a code, a verifier, a token or the client secret.
struct WipedOnExit {
  std::string& text;
  ~WipedOnExit() { OPENSSL_cleanse(text.data(), text.size()); }
};

}  // namespace

ProviderClient::ProviderClient(const Settings& settings, HttpClient& http)
    : settings_(settings),
      http_(http),
      authorize_prefix_(settings.authorize_url +
                        (settings.authorize_url.find('?') == std::string::npos ? '?' : '&') +
                        form_body({{"client_id", settings.client_id},
                                   {"response_type", "code"},
                                   {"redirect_uri", settings.redirect_uri}}) +
                        "&state="),
      authorize_middle_('&' + form_body({{"scope", settings.oauth_scope}}) + "&code_challenge="),
      authorize_suffix_('&' + form_body({{"code_challenge_method", "S256"}})) {}

std::string ProviderClient::authorize_url(std::string_view state,
                                          std::string_view code_challenge) const {
  std::string url;
  url.reserve(authorize_prefix_.size() + authorize_middle_.size() + authorize_suffix_.size() +
              3 * (state.size() + code_challenge.size()));
  url += authorize_prefix_;
  append_form_encoded(url, state);
  url += authorize_middle_;
  append_form_encoded(url, code_challenge);
  url += authorize_suffix_;
  return url;
}

std::expected<TokenGrant, ProviderError> ProviderClient::exchange_code(
    std::string_view code, const PkceVerifier& verifier) {
  std::string verifier_text = verifier.text();
  WipedOnExit wipe_verifier{verifier_text};
  return token_request(form_body({{"grant_type", "authorization_code"},
                                  {"code", code},
                                  {"redirect_uri", settings_.redirect_uri},
                                  {"code_verifier", verifier_text},
                                  {"client_id", settings_.client_id},
                                  {"client_secret", settings_.client_secret.reveal()}}));
}

std::expected<TokenGrant, ProviderError> ProviderClient::refresh(const Secret& refresh_token) {
  return token_request(form_body({{"grant_type", "refresh_token"},
                                  {"refresh_token", refresh_token.reveal()},
                                  {"client_id", settings_.client_id},
                                  {"client_secret", settings_.client_secret.reveal()}}));
}

std::expected<void, ProviderError> ProviderClient::revoke(const Secret& token,
                                                          std::string_view type_hint) {
  OutboundRequest request{"POST",
                          settings_.revoke_url,
                          {{"Content-Type", "application/x-www-form-urlencoded"}},
                          form_body({{"token", token.reveal()},
                                     {"token_type_hint", type_hint},
                                     {"client_id", settings_.client_id},
                                     {"client_secret", settings_.client_secret.reveal()}})};
  WipedOnExit wipe{request.body};
  const auto start = std::chrono::steady_clock::now();
  auto response = http_.send(request);
  observe_call_time(start);
  if (!response) return std::unexpected(transport_error(response.error()));
  // RFC 7009 2.2: 200 whether or not the token was known.
  if (response->status == 200) return {};
  return std::unexpected(ProviderError{
      response->status >= 500 ? ProviderFailure::kUnavailable : ProviderFailure::kRejected,
      "revoke answered " + std::to_string(response->status), ""});
}

std::expected<TokenGrant, ProviderError> ProviderClient::token_request(std::string body) {
  OutboundRequest request{
      "POST",
      settings_.token_url,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
      std::move(body)};
  WipedOnExit wipe{request.body};
  const auto start = std::chrono::steady_clock::now();
  auto response = http_.send(request);
  observe_call_time(start);
  if (!response) return std::unexpected(transport_error(response.error()));

  WipedOnExit wipe_response{response->body};
  return parse_token_answer(response->status, response->body);
}

std::expected<TokenGrant, ProviderError> parse_token_answer(long status, std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  const std::string status_text = std::to_string(status);
  if (status >= 400 && status < 500 && status != 429 && json.is_object() &&
      json.contains("error")) {
    const std::string error = string_field(json, "error");
    return std::unexpected(ProviderError{ProviderFailure::kRejected,
                                         "token endpoint " + status_text + " " + error, error});
  }
  if (status != 200 || !json.is_object()) {
    return std::unexpected(ProviderError{ProviderFailure::kUnavailable,
                                         "token endpoint " + status_text + " without a token", ""});
  }

  TokenGrant grant;
  std::string access = string_field(json, "access_token");
  if (access.empty()) access = string_field(json, "actor_access_token");
  std::string refresh = string_field(json, "refresh_token");
  if (refresh.empty()) refresh = string_field(json, "actor_refresh_token");
  if (access.empty()) {
    return std::unexpected(
        ProviderError{ProviderFailure::kUnavailable, "token endpoint sent no access token", ""});
  }
  grant.access_token = Secret(std::move(access));
  grant.refresh_token = Secret(std::move(refresh));
  grant.expires_in = expires_in_of(json);
  grant.user_id = string_field(json, "user_id");
  if (grant.user_id.empty() && json.contains("id_token") && json["id_token"].is_string()) {
    grant.user_id = id_token_subject(json["id_token"].get<std::string>());
  }
  return grant;
}

std::expected<std::string, ProviderError> ProviderClient::customer_id(const Secret& access_token) {
  OutboundRequest request{"GET",
                          settings_.api_base_url + "/1.0/customer/information",
                          {{"Authorization", "Bearer " + std::string(access_token.reveal())},
                           {"Accept", "application/json"}},
                          ""};
  const auto start = std::chrono::steady_clock::now();
  auto response = http_.send(request);
  observe_call_time(start);
  OPENSSL_cleanse(request.headers[0].second.data(), request.headers[0].second.size());
  if (!response) return std::unexpected(transport_error(response.error()));
  const auto json = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || !json.is_object()) {
    return std::unexpected(
        ProviderError{response->status >= 400 && response->status < 500 && response->status != 429
                          ? ProviderFailure::kRejected
                          : ProviderFailure::kUnavailable,
                      "customer information answered " + std::to_string(response->status), ""});
  }
  const auto info = json.find("customer_info");
  const auto& source = info != json.end() && info->is_object() ? *info : json;
  std::string id = string_field(source, "customer_id");
  if (id.empty()) id = string_field(source, "user_id");
  if (id.empty()) {
    return std::unexpected(
        ProviderError{ProviderFailure::kRejected, "no user id from any source", ""});
  }
  return id;
}

}  // namespace ac
