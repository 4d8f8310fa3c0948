#include "sandbox/sandbox_app.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "crypto/base64url.h"
#include "http/query.h"
#include "net/http_client.h"
#include "sandbox/control_fields.h"
#include "sandbox/pages.h"

namespace ac::sandbox {
namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

// Pages the sandbox serves may be neither framed nor run scripts; fault bodies, whatever type a
// test gave them, cannot run anything on the sandbox's origin either.
constexpr std::string_view kPageSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";
constexpr std::string_view kFaultSecurityPolicy =
    "default-src 'none'; sandbox; frame-ancestors 'none'";

HttpResponse json(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = body.dump();
  return response;
}

HttpResponse html(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Content-Security-Policy", std::string(kPageSecurityPolicy));
  response.body = std::move(body);
  return response;
}

HttpResponse redirect(const std::string& location) {
  HttpResponse response;
  response.status = 302;
  response.headers.emplace_back("Location", location);
  return response;
}

std::string field(const Form& form, std::string_view name) {
  return form_value(form, name).value_or("");
}

AuthorizeRequest authorize_request_from(const Form& form) {
  return AuthorizeRequest{field(form, "client_id"),
                          field(form, "redirect_uri"),
                          field(form, "response_type"),
                          field(form, "state"),
                          field(form, "scope"),
                          field(form, "code_challenge"),
                          field(form, "code_challenge_method")};
}

// Client credentials from the form body, or from HTTP Basic (RFC 6749 2.3.1).
std::pair<std::string, std::string> client_credentials(const HttpRequest& request,
                                                       const Form& form) {
  if (const auto auth = request.header("authorization"); auth && auth->starts_with("Basic ")) {
    std::string text(auth->substr(6));
    // Basic uses the standard alphabet; translate to the URL-safe one we decode.
    for (auto& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    if (const auto decoded = base64url::decode(text, base64url::Padding::kKeep)) {
      const std::string pair(decoded->begin(), decoded->end());
      const auto colon = pair.find(':');
      if (colon != std::string::npos) {
        return {percent_decode(pair.substr(0, colon), true).value_or(""),
                percent_decode(pair.substr(colon + 1), true).value_or("")};
      }
    }
  }
  return {field(form, "client_id"), field(form, "client_secret")};
}

HttpResponse token_problem(const TokenProblem& problem) {
  HttpResponse response = json(problem.status, {{"error", problem.error}});
  if (problem.status == 401) response.set_header("WWW-Authenticate", "Basic realm=\"sandbox\"");
  return response;
}

}  // namespace

nlohmann::json SandboxApp::tokens_json(const IssuedTokens& tokens) {
  nlohmann::json expires_in = tokens.expires_in;
  {
    std::lock_guard lock(config_mutex_);
    if (expires_in_override_) expires_in = *expires_in_override_;
  }
  return {{"access_token", tokens.access_token},
          {"token_type", "Bearer"},
          {"expires_in", std::move(expires_in)},
          {"refresh_token", tokens.refresh_token},
          {"scope", tokens.scope},
          {"user_id", tokens.user_id}};
}

HttpResponse SandboxApp::refuse(int status, std::string_view detail) {
  return json(status, {{"error", detail}});
}

HttpResponse SandboxApp::handle(HttpRequest& request) {
  // Counted from arrival, through any injected delay or fault, to the answer.
  std::optional<LibraryCalls::Call> library_call;
  if (request.path == "/1.0/library") {
    if (auto user = bearer_user(request)) library_call.emplace(library_calls_, std::move(*user));
  }
  if (!request.path.starts_with("/_sandbox/")) {
    ++requests_started_;
    if (auto fault = faults_.take(request.path)) {
      std::this_thread::sleep_for(fault->delay);
      if (fault->drop) {
        HttpResponse dropped;
        dropped.close_without_answer = true;
        return dropped;
      }
      if (fault->status != 0) {
        HttpResponse response;
        response.status = fault->status;
        response.headers.emplace_back("Content-Type", fault->content_type);
        response.headers.emplace_back("X-Content-Type-Options", "nosniff");
        response.headers.emplace_back("Content-Security-Policy", std::string(kFaultSecurityPolicy));
        for (auto& [name, value] : fault->headers) response.headers.emplace_back(name, value);
        response.body = fault->body;
        return response;
      }
    }
  }
  return route(request);
}

HttpResponse SandboxApp::route(HttpRequest& request) {
  const auto& path = request.path;
  const auto& method = request.method;
  if (path == "/authorize" && method == "GET") return authorize_page(request);
  if (path == "/authorize" && method == "POST") return authorize_decision(request);
  if (path == "/token" && method == "POST") return token(request);
  if (path == "/revoke" && method == "POST") return revoke(request);
  if (path == "/1.0/customer/information" && method == "GET") return customer_information(request);
  if (path == "/1.0/library" && method == "GET") return library(request);
  if (path == "/1.0/catalog/products" && method == "GET") return catalog_search(request);
  if (path.starts_with("/1.0/catalog/products/") && method == "GET")
    return catalog_product(request);
  if (path == "/demo/callback" && method == "GET") return demo_callback(request);
  if (path.starts_with("/_sandbox/")) return control(request);
  return json(404, {{"error", "not_found"}});
}

HttpResponse SandboxApp::authorize_page(const HttpRequest& request) {
  const auto form = parse_form(request.query);
  if (!form) return html(400, error_page("invalid_request", "malformed query"));
  const auto authorize = authorize_request_from(*form);
  if (const auto problem = server_.check(authorize)) {
    if (!problem->redirect) return html(400, error_page(problem->error, problem->description));
    return redirect(authorize.redirect_uri + "?" +
                    form_body({{"error", problem->error},
                               {"error_description", problem->description},
                               {"state", authorize.state}}));
  }
  return html(200, approval_page(authorize, consent_.issue(authorize)));
}

HttpResponse SandboxApp::authorize_decision(const HttpRequest& request) {
  const auto form = parse_form(request.body);
  if (!form) return html(400, error_page("invalid_request", "malformed form"));
  const auto authorize = authorize_request_from(*form);
  if (!consent_.valid(authorize, field(*form, "csrf_token"))) {
    return html(400, error_page("invalid_request", "the consent form's token is missing or wrong"));
  }
  if (const auto problem = server_.check(authorize); problem && !problem->redirect) {
    return html(400, error_page(problem->error, problem->description));
  }
  const auto& issuer = server_.config().issuer;
  std::vector<std::pair<std::string_view, std::string_view>> params;
  std::string code;
  const auto problem = server_.check(authorize);
  if (problem) {
    params = {{"error", problem->error}, {"state", authorize.state}};
  } else if (field(*form, "decision") != "approve") {
    params = {{"error", "access_denied"}, {"state", authorize.state}};
  } else {
    std::string user = field(*form, "user");
    if (user.empty()) user = "sandbox-listener-1";
    code = server_.approve(authorize, user);
    params = {{"code", code}, {"state", authorize.state}};
  }
  if (!issuer.empty()) params.emplace_back("iss", issuer);
  return redirect(authorize.redirect_uri + "?" + form_body(params));
}

HttpResponse SandboxApp::token(const HttpRequest& request) {
  const auto form = parse_form(request.body);
  if (!form) return token_problem({400, "invalid_request"});
  const auto [client_id, client_secret] = client_credentials(request, *form);
  const std::string grant_type = field(*form, "grant_type");
  std::expected<IssuedTokens, TokenProblem> result;
  if (grant_type == "authorization_code") {
    result = server_.exchange_code(client_id, client_secret, field(*form, "code"),
                                   field(*form, "redirect_uri"), field(*form, "code_verifier"));
  } else if (grant_type == "refresh_token") {
    result = server_.refresh(client_id, client_secret, field(*form, "refresh_token"));
  } else {
    return token_problem({400, "unsupported_grant_type"});
  }
  if (!result) return token_problem(result.error());
  return json(200, tokens_json(*result));
}

HttpResponse SandboxApp::revoke(const HttpRequest& request) {
  const auto form = parse_form(request.body);
  if (!form) return token_problem({400, "invalid_request"});
  const auto [client_id, client_secret] = client_credentials(request, *form);
  if (auto done = server_.revoke(client_id, client_secret, field(*form, "token")); !done) {
    return token_problem(done.error());
  }
  return json(200, nlohmann::json::object());
}

std::optional<std::string> SandboxApp::bearer_user(const HttpRequest& request) const {
  const auto auth = request.header("authorization");
  if (!auth || !auth->starts_with("Bearer ")) return std::nullopt;
  return server_.user_of_access_token(std::string(auth->substr(7)));
}

HttpResponse SandboxApp::customer_information(const HttpRequest& request) {
  const auto user = bearer_user(request);
  if (!user) return json(401, {{"message", "Invalid token"}});
  return json(200,
              {{"customer_info", {{"customer_id", *user}, {"user_id", *user}, {"name", *user}}}});
}

HttpResponse SandboxApp::library(const HttpRequest& request) {
  const auto user = bearer_user(request);
  if (!user) return json(401, {{"message", "Invalid token"}});
  const auto form = parse_form(request.query).value_or(Form{});
  const int page = std::max(1, std::atoi(field(form, "page").c_str()));
  const int num_results = std::clamp(std::atoi(field(form, "num_results").c_str()), 1, 1000);
  const auto state_token = form_value(form, "state_token");
  auto result = libraries_.page(*user, page, num_results, state_token);
  HttpResponse response =
      json(200, {{"items", std::move(result.items)}, {"response_groups", {"always-returned"}}});
  response.headers.emplace_back("total-count", std::to_string(result.total_count));
  response.headers.emplace_back("state-token", result.state_token);
  return response;
}

HttpResponse SandboxApp::catalog_search(const HttpRequest& request) {
  const auto form = parse_form(request.query).value_or(Form{});
  const int num_results = std::clamp(std::atoi(field(form, "num_results").c_str()), 1, 50);
  auto products = search_catalog(field(form, "keywords"), num_results);
  const auto total = products.size();
  return json(200, {{"products", std::move(products)}, {"total_results", total}});
}

HttpResponse SandboxApp::catalog_product(const HttpRequest& request) {
  const std::string asin = request.path.substr(std::string_view("/1.0/catalog/products/").size());
  const auto index = catalog_index(asin);
  // Like Audible: an unknown ASIN is an empty product, not a 404.
  return json(200, {{"product", index ? ac::sandbox::catalog_product(*index)
                                      : nlohmann::json{{"asin", asin}}}});
}

HttpResponse SandboxApp::demo_callback(const HttpRequest& request) {
  const auto form = parse_form(request.query).value_or(Form{});
  return html(200, demo_callback_page(field(form, "code"), field(form, "state"), field(form, "iss"),
                                      field(form, "error")));
}

HttpResponse SandboxApp::control(const HttpRequest& request) {
  if (request.path == "/_sandbox/faults" && request.method == "POST") {
    const auto spec = nlohmann::json::parse(request.body, nullptr, false);
    auto fault = FaultBook::parse(spec);
    if (!fault) return json(400, {{"error", fault.error()}});
    faults_.add(std::move(*fault));
    return json(200, {{"status", "added"}});
  }
  if (request.path == "/_sandbox/faults" && request.method == "DELETE") {
    faults_.clear();
    return json(200, {{"status", "cleared"}});
  }
  if (request.path == "/_sandbox/stats" && request.method == "GET") {
    const auto form = parse_form(request.query).value_or(Form{});
    const Stats stats = server_.stats(field(form, "user"));
    const LibraryCallCount library_calls = library_calls_.of(field(form, "user"));
    return json(200, {{"requests_started", requests_started_.load()},
                      {"token_requests", stats.token_requests},
                      {"codes_exchanged", stats.codes_exchanged},
                      {"refreshes", stats.refreshes},
                      {"revocations", stats.revocations},
                      {"active_refresh_tokens", stats.active_refresh_tokens},
                      {"library_calls", library_calls.calls},
                      {"library_calls_max_in_flight", library_calls.max_in_flight}});
  }
  if (request.path == "/_sandbox/library" && request.method == "POST") {
    return change_library(nlohmann::json::parse(request.body, nullptr, false));
  }
  if (request.path == "/_sandbox/config" && request.method == "POST") {
    return change_config(nlohmann::json::parse(request.body, nullptr, false));
  }
  if (request.path == "/_sandbox/grants" && request.method == "POST") {
    return seed_grant(nlohmann::json::parse(request.body, nullptr, false));
  }
  return json(404, {{"error", "not_found"}});
}

// {"user", "access_token", "refresh_token", "expires_in"}: tokens the platform's old service got
// from this server earlier, as an import brings them (tests/e2e/test_cutover.py).
HttpResponse SandboxApp::seed_grant(const nlohmann::json& spec) {
  const auto text = [&](const char* name) -> std::optional<std::string> {
    if (!spec.is_object() || !spec.contains(name) || !spec[name].is_string()) return std::nullopt;
    auto value = spec[name].get<std::string>();
    if (value.empty() || value.size() > 4096) return std::nullopt;
    return value;
  };
  const auto user = text("user");
  const auto access = text("access_token");
  const auto refresh = text("refresh_token");
  const auto expires_in = spec.is_object()
                              ? integer_field(spec, "expires_in", 3600, 0, 86'400 * 366)
                              : std::unexpected(std::string("not an object"));
  if (!user || !access || !refresh || !expires_in) {
    return json(400, {{"error", "give user, access_token, refresh_token and expires_in"}});
  }
  if (!server_.seed_grant(*user, *access, *refresh, *expires_in)) {
    return json(409, {{"error", "a token is already known"}});
  }
  return json(200, {{"status", "added"}});
}

HttpResponse SandboxApp::change_library(const nlohmann::json& spec) {
  const auto usage = [] {
    return json(400, {{"error", "give user and one of size, add, revoke (0 to 20000)"}});
  };
  if (!spec.is_object() || !spec.contains("user") || !spec["user"].is_string()) return usage();
  std::vector<std::pair<std::string_view, int>> counts;
  for (const char* name : {"size", "add", "revoke"}) {
    if (!spec.contains(name)) continue;
    const auto count = integer_field(spec, name, 0, 0, kCatalogSize);
    if (!count) return usage();
    counts.emplace_back(name, static_cast<int>(*count));
  }
  if (counts.empty()) return usage();
  const std::string user = spec["user"].get<std::string>();
  for (const auto& [name, count] : counts) {
    if (name == "size") libraries_.set_size(user, count);
    if (name == "add") libraries_.add(user, count);
    if (name == "revoke") libraries_.revoke(user, count);
  }
  return json(200, {{"status", "changed"}});
}

HttpResponse SandboxApp::change_config(const nlohmann::json& spec) {
  constexpr int kYear = 365 * 24 * 3600;
  const auto usage = [] {
    return json(400, {{"error",
                       "give access_token_ttl (1 to 31536000 seconds) and/or expires_in_override "
                       "(a number, or null for none)"}});
  };
  if (!spec.is_object()) return usage();
  const bool has_ttl = spec.contains("access_token_ttl");
  const bool has_override = spec.contains("expires_in_override");
  const auto ttl = integer_field(spec, "access_token_ttl", 0, 1, kYear);
  if ((!has_ttl && !has_override) || !ttl) return usage();
  if (has_override && !spec["expires_in_override"].is_number() &&
      !spec["expires_in_override"].is_null()) {
    return usage();
  }
  if (has_ttl) server_.set_access_token_ttl(*ttl);
  if (has_override) {
    std::lock_guard lock(config_mutex_);
    const auto& value = spec["expires_in_override"];
    expires_in_override_ = value.is_null() ? std::nullopt : std::optional<nlohmann::json>(value);
  }
  return json(200, {{"status", "changed"}});
}

}  // namespace ac::sandbox
