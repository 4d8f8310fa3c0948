#include "sandbox/authorization_server.h"

#include <openssl/crypto.h>

#include "crypto/base64url.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace ac::sandbox {
namespace {

std::string random_token(std::string_view prefix) {
  std::array<std::uint8_t, 24> bytes;
  fill_random(bytes);
  return std::string(prefix) + base64url::encode(bytes, base64url::Padding::kStrip);
}

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// RFC 7636 4.1: 43 to 128 unreserved characters.
bool valid_verifier(const std::string& verifier) {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (const unsigned char c : verifier) {
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_' && c != '~') return false;
  }
  return true;
}

}  // namespace

AuthorizationServer::AuthorizationServer(ClientConfig config) : config_(std::move(config)) {}

void AuthorizationServer::set_access_token_ttl(std::int64_t seconds) {
  std::lock_guard lock(mutex_);
  config_.access_token_ttl = seconds;
}

std::optional<AuthorizeProblem> AuthorizationServer::check(const AuthorizeRequest& r) const {
  if (r.client_id != config_.client_id)
    return AuthorizeProblem{false, "invalid_client", "unknown client_id"};
  if (r.redirect_uri != config_.redirect_uri) {
    return AuthorizeProblem{false, "invalid_request", "redirect_uri is not the registered one"};
  }
  if (r.response_type != "code") {
    return AuthorizeProblem{true, "unsupported_response_type", "only response_type=code"};
  }
  if (r.code_challenge_method != "S256") {
    return AuthorizeProblem{true, "invalid_request",
                            "PKCE with code_challenge_method=S256 is required"};
  }
  if (r.code_challenge.size() != 43) {
    return AuthorizeProblem{true, "invalid_request", "code_challenge must be 43 characters"};
  }
  return std::nullopt;
}

std::string AuthorizationServer::approve(const AuthorizeRequest& request,
                                         const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::string code = random_token("code-");
  codes_[code] = Code{request, user_id, Clock::now() + std::chrono::seconds(60), false, ""};
  return code;
}

bool AuthorizationServer::client_ok(const std::string& client_id,
                                    const std::string& client_secret) const {
  return same(client_id, config_.client_id) && same(client_secret, config_.client_secret);
}

IssuedTokens AuthorizationServer::issue_access(const std::string& grant_id, Grant& grant) {
  std::string access = random_token("Atna|sandbox-access-");
  access_tokens_[access] =
      AccessToken{grant_id, Clock::now() + std::chrono::seconds(config_.access_token_ttl)};
  return IssuedTokens{access, grant.refresh_token, config_.access_token_ttl, grant.user_id,
                      grant.scope};
}

std::expected<IssuedTokens, TokenProblem> AuthorizationServer::exchange_code(
    const std::string& client_id, const std::string& client_secret, const std::string& code,
    const std::string& redirect_uri, const std::string& code_verifier) {
  std::lock_guard lock(mutex_);
  ++totals_.token_requests;
  if (!client_ok(client_id, client_secret))
    return std::unexpected(TokenProblem{401, "invalid_client"});
  if (code.empty()) return std::unexpected(TokenProblem{400, "invalid_request"});
  auto it = codes_.find(code);
  if (it == codes_.end()) return std::unexpected(TokenProblem{400, "invalid_grant"});
  Code& issued = it->second;
  if (issued.used) {
    // RFC 6749 4.1.2: a replayed code revokes what it was exchanged for.
    if (!issued.grant_id.empty()) revoke_grant(issued.grant_id);
    return std::unexpected(TokenProblem{400, "invalid_grant"});
  }
  issued.used = true;
  if (Clock::now() > issued.expires_at || issued.request.client_id != client_id ||
      issued.request.redirect_uri != redirect_uri || !valid_verifier(code_verifier) ||
      base64url::encode(sha256(code_verifier), base64url::Padding::kStrip) !=
          issued.request.code_challenge) {
    return std::unexpected(TokenProblem{400, "invalid_grant"});
  }
  ++totals_.codes_exchanged;
  const std::string grant_id = random_token("grant-");
  Grant& grant = grants_[grant_id] =
      Grant{issued.user_id, issued.request.scope, random_token("Atnr|sandbox-refresh-"), false};
  refresh_tokens_[grant.refresh_token] = grant_id;
  issued.grant_id = grant_id;
  return issue_access(grant_id, grant);
}

bool AuthorizationServer::seed_grant(const std::string& user_id, const std::string& access_token,
                                     const std::string& refresh_token, std::int64_t expires_in) {
  std::lock_guard lock(mutex_);
  if (access_tokens_.contains(access_token) || refresh_tokens_.contains(refresh_token)) {
    return false;
  }
  const std::string grant_id = random_token("grant-");
  grants_[grant_id] = Grant{user_id, "library profile", refresh_token, false};
  refresh_tokens_[refresh_token] = grant_id;
  access_tokens_[access_token] =
      AccessToken{grant_id, Clock::now() + std::chrono::seconds(expires_in)};
  return true;
}

std::expected<IssuedTokens, TokenProblem> AuthorizationServer::refresh(
    const std::string& client_id, const std::string& client_secret,
    const std::string& refresh_token) {
  std::lock_guard lock(mutex_);
  ++totals_.token_requests;
  if (!client_ok(client_id, client_secret))
    return std::unexpected(TokenProblem{401, "invalid_client"});
  const auto it = refresh_tokens_.find(refresh_token);
  if (it == refresh_tokens_.end()) return std::unexpected(TokenProblem{400, "invalid_grant"});
  const std::string grant_id = it->second;
  Grant& grant = grants_.at(grant_id);
  if (grant.revoked || grant.refresh_token != refresh_token) {
    return std::unexpected(TokenProblem{400, "invalid_grant"});
  }
  ++totals_.refreshes;
  if (config_.rotate_refresh_tokens) {
    refresh_tokens_.erase(it);
    grant.refresh_token = random_token("Atnr|sandbox-refresh-");
    refresh_tokens_[grant.refresh_token] = grant_id;
  }
  return issue_access(grant_id, grant);
}

std::expected<void, TokenProblem> AuthorizationServer::revoke(const std::string& client_id,
                                                              const std::string& client_secret,
                                                              const std::string& token) {
  std::lock_guard lock(mutex_);
  if (!client_ok(client_id, client_secret))
    return std::unexpected(TokenProblem{401, "invalid_client"});
  if (token.empty()) return std::unexpected(TokenProblem{400, "invalid_request"});
  ++totals_.revocations;
  if (const auto refresh = refresh_tokens_.find(token); refresh != refresh_tokens_.end()) {
    revoke_grant(refresh->second);
  } else if (const auto access = access_tokens_.find(token); access != access_tokens_.end()) {
    access_tokens_.erase(access);
  }
  return {};
}

void AuthorizationServer::revoke_grant(std::string grant_id) {
  auto grant = grants_.find(grant_id);
  if (grant == grants_.end()) return;
  grant->second.revoked = true;
  refresh_tokens_.erase(grant->second.refresh_token);
  std::erase_if(access_tokens_,
                [&](const auto& entry) { return entry.second.grant_id == grant_id; });
}

std::optional<std::string> AuthorizationServer::user_of_access_token(
    const std::string& token) const {
  std::lock_guard lock(mutex_);
  const auto it = access_tokens_.find(token);
  if (it == access_tokens_.end() || Clock::now() > it->second.expires_at) return std::nullopt;
  return grants_.at(it->second.grant_id).user_id;
}

Stats AuthorizationServer::stats(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  Stats stats = totals_;
  stats.active_refresh_tokens = 0;
  for (const auto& [token, grant_id] : refresh_tokens_) {
    const auto& grant = grants_.at(grant_id);
    if (!grant.revoked && (user_id.empty() || grant.user_id == user_id))
      ++stats.active_refresh_tokens;
  }
  return stats;
}

}  // namespace ac::sandbox
